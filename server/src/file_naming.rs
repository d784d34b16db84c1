//! File-name styles (NAM001): splitting a name into words with acronyms kept whole,
//! checking a name against a style, spelling it in a style, and finding the style most
//! entity files of a workspace share.

use crate::config::FileNaming;

/// Extensions of the files NAM001 names (the last dot part).
pub const EXTENSIONS: &[&str] = &["ts", "mts", "cts", "tsx"];

/// Mixed-case acronyms that are one word (`IoTFleet` is `iot-fleet`, not `io-t-fleet`).
const ACRONYMS: &[&str] = &[
    "IoT",
    "OAuth",
    "GraphQL",
    "MySQL",
    "PostgreSQL",
    "iOS",
    "macOS",
    "GitHub",
    "GitLab",
];

/// Share of entity files that must agree on a style other than kebab-case for it to
/// become the workspace's style, and the fewest entity files that can show one.
const DOMINANT_SHARE: f64 = 0.9;
const MIN_FILES_FOR_STYLE: usize = 10;
/// Fewer entity files than [`MIN_FILES_FOR_STYLE`] show a style only when every one of
/// them follows it (a small service whose nine entity files are all PascalCase), and
/// there are at least this many: two files agreeing may be chance.
const MIN_FILES_FOR_UNANIMOUS_STYLE: usize = 5;

impl FileNaming {
    pub fn label(self) -> &'static str {
        match self {
            FileNaming::KebabCase => "kebab-case",
            FileNaming::PascalCase => "PascalCase",
            FileNaming::CamelCase => "camelCase",
            FileNaming::SnakeCase => "snake_case",
        }
    }
}

/// The words of a name part, lower-cased: split at `-`, `_`, spaces and case changes,
/// digits staying with the word before them, acronyms whole (`HTTPServer` -> `http`,
/// `server`; `IoTFleet` -> `iot`, `fleet`).
pub fn words(part: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in part
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|c| !c.is_empty())
    {
        split_chunk(chunk, &mut out);
    }
    out.into_iter().map(|w| w.to_ascii_lowercase()).collect()
}

fn split_chunk(chunk: &str, out: &mut Vec<String>) {
    let mut rest = chunk;
    while !rest.is_empty() {
        // The earliest known acronym that starts a word here.
        let hit = ACRONYMS
            .iter()
            .filter_map(|a| {
                rest.match_indices(a).map(|(i, _)| (i, *a)).find(|(i, a)| {
                    let after = rest.get(i + a.len()..).and_then(|r| r.chars().next());
                    !after.is_some_and(|c| c.is_ascii_lowercase())
                })
            })
            .min_by_key(|(i, a)| (*i, std::cmp::Reverse(a.len())));
        match hit {
            Some((i, a)) => {
                split_case(rest.get(..i).unwrap_or(""), out);
                out.push(a.to_string());
                rest = rest.get(i + a.len()..).unwrap_or("");
            }
            None => {
                split_case(rest, out);
                rest = "";
            }
        }
    }
}

/// Splits at lower->upper changes and before the last capital of a run of capitals
/// followed by a lower-case letter (`HTTPServer` -> `HTTP`, `Server`).
fn split_case(s: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = s.chars().collect();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_ascii_uppercase() => {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        out.push(word);
    }
}

/// Whether one dot-separated part of a name is spelled in `style`.
pub fn part_matches(style: FileNaming, part: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let lower_words = |sep: char| {
        !part.is_empty()
            && part.split(sep).all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
    };
    match style {
        FileNaming::KebabCase => lower_words('-'),
        FileNaming::SnakeCase => lower_words('_'),
        FileNaming::CamelCase => {
            part.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && part.chars().all(alnum)
        }
        FileNaming::PascalCase => {
            part.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && part.chars().all(alnum)
        }
    }
}

/// `part` spelled in `style`; None when it has no words.
pub fn spell(style: FileNaming, part: &str) -> Option<String> {
    let words = words(part);
    if words.is_empty() {
        return None;
    }
    let capital = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    Some(match style {
        FileNaming::KebabCase => words.join("-"),
        FileNaming::SnakeCase => words.join("_"),
        FileNaming::PascalCase => words.iter().map(|w| capital(w)).collect(),
        FileNaming::CamelCase => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capital(w) })
            .collect(),
    })
}

/// A migration's leading timestamps (`1700000000000-`), kept as they are in every style.
/// A file renamed by hand may carry two (`1765000000000-1734000000000-MigrateUser.ts`,
/// a migration re-dated after the old one was kept): both are the timestamp part.
fn timestamp_prefix(part: &str) -> &str {
    let mut end = 0;
    loop {
        let rest = part.get(end..).unwrap_or("");
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest.get(digits..digits + 1) {
            Some("-") | Some("_") if digits >= 8 => end += digits + 1,
            _ => return part.get(..end).unwrap_or(""),
        }
    }
}

/// The name of a file spelled in `style`, or None when it already is (or is no
/// TypeScript source, a declaration file, an `index` file, or would lose its words).
/// kebab-case checks every dot part (`UserProfile.entity.ts`); the other styles check
/// the first part, after a migration timestamp (`1700000000000-AddUsers.ts`).
pub fn rename(style: FileNaming, name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !EXTENSIONS.contains(&ext) || stem.ends_with(".d") {
        return None;
    }
    let parts: Vec<&str> = stem.split('.').collect();
    let first = *parts.first()?;
    if first == "index" {
        return None;
    }
    let fixed: Vec<String> = if style == FileNaming::KebabCase {
        if parts.iter().all(|p| part_matches(style, p)) {
            return None;
        }
        parts
            .iter()
            .map(|p| spell(style, p))
            .collect::<Option<_>>()?
    } else {
        let prefix = timestamp_prefix(first);
        let body = first.get(prefix.len()..)?;
        if part_matches(style, body) {
            return None;
        }
        let mut fixed = vec![format!("{prefix}{}", spell(style, body)?)];
        fixed.extend(parts.iter().skip(1).map(|p| p.to_string()));
        fixed
    };
    Some(format!("{}.{ext}", fixed.join(".")))
}

/// How many entity files' names fit each style (a one-word lower-case name fits
/// several).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StyleCounts {
    pub total: usize,
    pub kebab: usize,
    pub pascal: usize,
    pub camel: usize,
    pub snake: usize,
}

impl StyleCounts {
    pub fn add(&mut self, file_name: &str) {
        let Some(first) = file_name.split('.').next() else {
            return;
        };
        let body = first.get(timestamp_prefix(first).len()..).unwrap_or(first);
        self.total += 1;
        let fits = |style| usize::from(part_matches(style, body));
        self.kebab += fits(FileNaming::KebabCase);
        self.pascal += fits(FileNaming::PascalCase);
        self.camel += fits(FileNaming::CamelCase);
        self.snake += fits(FileNaming::SnakeCase);
    }

    /// The style migration files are held to, when they have one: the style 90% or more
    /// of them share; for a handful of files, the style most of them fit (kebab-case on a
    /// tie); None where many files follow no common style (nothing to keep consistent).
    pub fn migration_style(&self) -> Option<FileNaming> {
        let styles = [
            (FileNaming::KebabCase, self.kebab),
            (FileNaming::PascalCase, self.pascal),
            (FileNaming::CamelCase, self.camel),
            (FileNaming::SnakeCase, self.snake),
        ];
        let (style, count) = styles.into_iter().rev().max_by_key(|(_, n)| *n)?;
        if self.total < MIN_FILES_FOR_STYLE {
            return Some(style);
        }
        (count as f64 >= DOMINANT_SHARE * self.total as f64).then_some(style)
    }

    /// The style 90% or more of the files share (all of them, under ten files) when it
    /// is not kebab-case (and more files fit it than kebab-case), else kebab-case.
    pub fn dominant(&self) -> FileNaming {
        if self.total < MIN_FILES_FOR_UNANIMOUS_STYLE {
            return FileNaming::KebabCase;
        }
        let needed = if self.total < MIN_FILES_FOR_STYLE {
            1.0
        } else {
            DOMINANT_SHARE
        };
        let share = |n: usize| n as f64 / self.total as f64;
        [
            (FileNaming::PascalCase, self.pascal),
            (FileNaming::CamelCase, self.camel),
            (FileNaming::SnakeCase, self.snake),
        ]
        .into_iter()
        .filter(|(_, n)| share(*n) >= needed && *n > self.kebab)
        .max_by_key(|(_, n)| *n)
        .map_or(FileNaming::KebabCase, |(style, _)| style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FileNaming::*;

    #[test]
    fn migrations_keep_a_style_only_where_they_share_one() {
        let counts = |names: &[&str]| {
            let mut c = StyleCounts::default();
            for n in names {
                c.add(n);
            }
            c
        };
        let few = counts(&[
            "1700000000001-AddUsers.ts",
            "1700000000002-AddPosts.ts",
            "1700000000003-add_tags.ts",
        ]);
        assert_eq!(few.migration_style(), Some(PascalCase));
        let mut many: Vec<String> = (0..12)
            .map(|i| format!("17000000000{i:02}-AddTable.ts"))
            .collect();
        assert_eq!(
            counts(&many.iter().map(String::as_str).collect::<Vec<_>>()).migration_style(),
            Some(PascalCase)
        );
        many.extend((0..6).map(|i| format!("17000000001{i:02}-drop-column.ts")));
        let mixed = counts(&many.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(mixed.migration_style(), None);
    }

    #[test]
    fn acronyms_stay_whole() {
        assert_eq!(words("IoTFleet"), ["iot", "fleet"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
        assert_eq!(words("userOAuthToken"), ["user", "oauth", "token"]);
        assert_eq!(words("product_bundle"), ["product", "bundle"]);
        assert_eq!(words("Order2Item"), ["order2", "item"]);
        assert_eq!(
            rename(KebabCase, "IoTFleet.ts").as_deref(),
            Some("iot-fleet.ts")
        );
        assert_eq!(
            rename(KebabCase, "HTTPServer.entity.ts").as_deref(),
            Some("http-server.entity.ts")
        );
    }

    #[test]
    fn renames_into_each_style() {
        assert_eq!(
            rename(KebabCase, "1700000000000-AddUsers.ts").as_deref(),
            Some("1700000000000-add-users.ts")
        );
        assert_eq!(rename(KebabCase, "user-profile.entity.ts"), None);
        assert_eq!(rename(KebabCase, "types.d.ts"), None);
        assert_eq!(
            rename(PascalCase, "user-profile.entity.ts").as_deref(),
            Some("UserProfile.entity.ts")
        );
        assert_eq!(rename(PascalCase, "UserProfile.entity.ts"), None);
        assert_eq!(rename(PascalCase, "1700000000000-AddUsers.ts"), None);
        assert_eq!(
            rename(CamelCase, "UserProfile.ts").as_deref(),
            Some("userProfile.ts")
        );
        assert_eq!(
            rename(SnakeCase, "UserProfile.entity.ts").as_deref(),
            Some("user_profile.entity.ts")
        );
        assert_eq!(rename(PascalCase, "index.ts"), None);
        // a migration re-dated by hand keeps both timestamps, and its name is judged alone
        assert_eq!(
            rename(PascalCase, "1765000000000-1734000000000-MigrateUser.ts"),
            None
        );
        assert_eq!(
            rename(PascalCase, "1765000000000-1734000000000-migrateUser.ts").as_deref(),
            Some("1765000000000-1734000000000-MigrateUser.ts")
        );
    }

    #[test]
    fn dominant_style_needs_ninety_percent() {
        let count = |names: &[&str]| {
            let mut c = StyleCounts::default();
            for n in names {
                c.add(n);
            }
            c.dominant()
        };
        let mut pascal: Vec<String> = (0..19).map(|i| format!("Thing{i}.entity.ts")).collect();
        pascal.push("thing-x.entity.ts".into());
        let names: Vec<&str> = pascal.iter().map(String::as_str).collect();
        assert_eq!(count(&names), PascalCase);
        let mut mixed = names.clone();
        mixed.extend(["a-b.ts", "c-d.ts"]);
        assert_eq!(count(&mixed), KebabCase, "19 of 22 is under 90%");
        let few = ["UserProfile.entity.ts", "Order.entity.ts"];
        assert_eq!(count(&few), KebabCase, "too few files to tell");
        let nine: Vec<String> = (0..9).map(|i| format!("Block{i}Entity.ts")).collect();
        let nine: Vec<&str> = nine.iter().map(String::as_str).collect();
        assert_eq!(
            count(&nine),
            PascalCase,
            "a small service, every file alike"
        );
        let mut eight_and_one = nine.clone();
        eight_and_one[0] = "block-entity.ts";
        assert_eq!(count(&eight_and_one), KebabCase, "a small service, mixed");
        let words: Vec<String> = (0..20).map(|i| format!("thing{i}.ts")).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        assert_eq!(
            count(&words),
            KebabCase,
            "one-word names fit kebab-case too"
        );
    }
}
