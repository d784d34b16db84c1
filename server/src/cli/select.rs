//! `--select` / `--ignore`: rule codes or prefixes (`IDX`, `IDX00`, `ALL`), as in ruff.
//! They become per-rule `off` overrides of the configuration, so unselected rules do not
//! run at all (and SUP001 does not call their suppressions unused).

use crate::config::{Config, RuleLevel};

/// Splits repeated, comma-separated selectors (`--select IDX,SD001 --select TYP`).
pub fn parse(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn matches(selector: &str, code: &str) -> bool {
    selector == "ALL" || code.starts_with(selector)
}

/// Turns off every rule of `codes` that `select` (when non-empty) does not name or that
/// `ignore` names. A rule the configuration turns off stays off unless `--select` names
/// its full code. Errors name selectors that match no rule.
pub fn apply(
    config: &mut Config,
    codes: &[&str],
    select: &[String],
    ignore: &[String],
) -> Result<(), Vec<String>> {
    let errors: Vec<String> = [("--select", select), ("--ignore", ignore)]
        .iter()
        .flat_map(|(flag, selectors)| {
            selectors
                .iter()
                .filter(|s| !codes.iter().any(|c| matches(s, c)))
                .map(move |s| {
                    format!("{flag}: `{s}` is no rule code or prefix; `typeorm-lsp rule --all` lists them")
                })
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    for code in codes {
        let selected = select.is_empty() || select.iter().any(|s| matches(s, code));
        let ignored = ignore.iter().any(|s| matches(s, code));
        if !selected || ignored {
            config.rules.insert(code.to_string(), RuleLevel::Off);
        } else if select.iter().any(|s| s == code)
            && config.rules.get(*code) == Some(&RuleLevel::Off)
        {
            config.rules.remove(*code);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: &[&str] = &["IDX001", "IDX002", "SD001", "SUP001"];

    fn off(select: &[&str], ignore: &[&str]) -> Vec<String> {
        let mut config = Config::default();
        let owned = |v: &[&str]| parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let result = apply(&mut config, CODES, &owned(select), &owned(ignore));
        assert!(result.is_ok(), "{result:?}");
        config
            .rules
            .iter()
            .filter(|(_, l)| **l == RuleLevel::Off)
            .map(|(c, _)| c.clone())
            .collect()
    }

    #[test]
    fn prefixes_codes_and_all() {
        assert_eq!(off(&["idx"], &[]), ["SD001", "SUP001"]);
        assert_eq!(off(&["IDX,SD001"], &["IDX002"]), ["IDX002", "SUP001"]);
        assert_eq!(off(&["ALL"], &["SUP"]), ["SUP001"]);
        assert!(off(&[], &[]).is_empty());
    }

    #[test]
    fn unknown_selectors_are_errors_and_full_codes_reenable() {
        let mut config = Config::default();
        assert!(apply(&mut config, CODES, &["NOPE".into()], &[]).is_err());
        config.rules.insert("SD001".into(), RuleLevel::Off);
        assert!(apply(&mut config, CODES, &["SD001".into()], &[]).is_ok());
        assert_eq!(config.rules.get("SD001"), None);
    }
}
