//! Colour for the text output: on when stdout is a terminal (and `NO_COLOR` is unset),
//! as rustc and ruff do; `--color always|never` overrides.

use crate::finding::Severity;
use anstyle::{AnsiColor, Style};

/// The `--color` of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour (also when piped, e.g. into `less -R`).
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout. `auto` asks anstream, which honours `NO_COLOR`,
    /// `CLICOLOR`, `CLICOLOR_FORCE`, `TERM=dumb` and whether stdout is a terminal.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !matches!(
                anstream::AutoStream::choice(&std::io::stdout()),
                anstream::ColorChoice::Never
            ),
        }
    }
}

/// The styles of the text output. [`Palette::plain`] has only empty styles, which render
/// as nothing, so plain output is byte for byte what it was before colour existed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Palette {
    pub path: Style,
    pub error: Style,
    pub warning: Style,
    pub info: Style,
    pub gutter: Style,
    pub fix: Style,
    pub summary: Style,
}

impl Palette {
    pub fn plain() -> Self {
        Palette::default()
    }

    /// rustc's colours: red errors, yellow warnings, blue gutters.
    pub fn colored() -> Self {
        let bold = Style::new().bold();
        Palette {
            path: bold,
            error: bold.fg_color(Some(AnsiColor::Red.into())),
            warning: bold.fg_color(Some(AnsiColor::Yellow.into())),
            info: bold.fg_color(Some(AnsiColor::Cyan.into())),
            gutter: bold.fg_color(Some(AnsiColor::Blue.into())),
            fix: Style::new().fg_color(Some(AnsiColor::Green.into())),
            summary: bold,
        }
    }

    pub fn for_choice(choice: ColorChoice) -> Self {
        if choice.enabled() {
            Palette::colored()
        } else {
            Palette::plain()
        }
    }

    pub fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

/// `text` wrapped in `style` (nothing added for an empty style).
pub fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_adds_nothing_and_colored_adds_escapes() {
        assert_eq!(paint(Palette::plain().error, "x"), "x");
        let red = paint(Palette::colored().error, "x");
        assert!(
            red.starts_with("\u{1b}[") && red.ends_with("\u{1b}[0m"),
            "{red:?}"
        );
        assert!(ColorChoice::Always.enabled());
        assert!(!ColorChoice::Never.enabled());
    }
}
