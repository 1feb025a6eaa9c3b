//! Where output goes and how it looks, decided in one place: the colour choice, the width
//! tables fit, and `--quiet`. Colour follows cargo and ripgrep: `--color` wins; under `auto`,
//! `NO_COLOR` turns it off, `CLICOLOR_FORCE` turns it on, and otherwise only a terminal gets
//! it. Everything people read is written through `anstream`, which passes the styles through,
//! turns them into console calls on a Windows console without virtual-terminal mode, or strips
//! them, so that no raw escape code ever reaches a file, a pipe or an old console.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use anstream::AutoStream;
pub use anstream::ColorChoice;

/// Whether `--quiet` was given: warnings are not printed (errors are).
static QUIET: AtomicBool = AtomicBool::new(false);

/// Below this many columns a table is unreadable whatever it drops, so a smaller `COLUMNS`
/// or terminal counts as this.
const MIN_WIDTH: usize = 40;

/// Where running text wraps when the output has no width of its own (a file or a pipe).
const TEXT_WIDTH: usize = 100;

/// Applies the global flags for the rest of the run: `color` is `--color` (`Auto` leaves the
/// decision to each stream: anstream reads `NO_COLOR`, `CLICOLOR_FORCE` and whether that
/// stream is a terminal, in that order), `quiet` is `--quiet`.
pub fn configure(color: ColorChoice, quiet: bool) {
    ColorChoice::write_global(color);
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether warnings are silenced.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Standard output for people, buffered: Rust's own stdout flushes at every line end, which on
/// a server with thousands of findings turns one report into tens of thousands of writes.
/// Callers flush it when done so that a write error is reported, not lost in a drop.
pub fn stdout() -> io::BufWriter<AutoStream<io::StdoutLock<'static>>> {
    io::BufWriter::with_capacity(64 * 1024, AutoStream::auto(io::stdout().lock()))
}

/// Standard error for people (a plan shown there while standard output holds a script).
pub fn stderr() -> AutoStream<io::StderrLock<'static>> {
    AutoStream::auto(io::stderr().lock())
}

/// How wide to print for people.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// The widest line: tables shorten cells to fit it. Unlimited (`usize::MAX`) when the
    /// output is a file or a pipe and `COLUMNS` is not set, so that a saved report keeps every
    /// character.
    pub width: usize,
    /// Where running text (messages, explanations, summaries) wraps: the width when it is
    /// known, else 100 columns, so that a report saved to a file reads as it does on screen.
    pub wrap: usize,
}

impl Style {
    /// The style of standard output: its width from `COLUMNS`, else from the terminal, else
    /// unlimited.
    pub fn for_stdout() -> Style {
        Style::with_width(columns().or_else(|| terminal_width(io::stdout())))
    }

    /// The style of standard error.
    pub fn for_stderr() -> Style {
        Style::with_width(columns().or_else(|| terminal_width(io::stderr())))
    }

    fn with_width(width: Option<usize>) -> Style {
        let width = width.map(|width| width.max(MIN_WIDTH));
        Style { width: width.unwrap_or(usize::MAX), wrap: width.unwrap_or(TEXT_WIDTH) }
    }

    /// `text` in `colour`; the stream it is written to keeps, translates or strips the style.
    pub fn paint(&self, colour: Colour, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        let style = colour.style();
        format!("{style}{text}{style:#}")
    }
}

/// `COLUMNS`, when it holds a positive number: it overrides the terminal, and gives a width
/// to a file or pipe.
fn columns() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.trim().parse::<usize>().ok().filter(|&columns| columns > 0)
}

/// The width of the terminal `stream` writes to; `None` when it is not a terminal.
#[cfg(unix)]
fn terminal_width(stream: impl std::os::fd::AsFd) -> Option<usize> {
    let (terminal_size::Width(width), _) = terminal_size::terminal_size_of(stream)?;
    Some(usize::from(width)).filter(|&width| width > 0)
}

/// The width of the console `stream` writes to; `None` when it is not a console.
#[cfg(windows)]
fn terminal_width(stream: impl std::os::windows::io::AsHandle) -> Option<usize> {
    let (terminal_size::Width(width), _) = terminal_size::terminal_size_of(stream)?;
    Some(usize::from(width)).filter(|&width| width > 0)
}

/// The few colours sslbind uses, each for one meaning.
#[derive(Clone, Copy, Debug)]
pub enum Colour {
    /// Working as intended.
    Green,
    /// Worth a look.
    Yellow,
    /// Broken.
    Red,
    /// Someone else's.
    Cyan,
    /// Secondary detail.
    Dim,
    /// Headings.
    Bold,
}

impl Colour {
    fn style(self) -> anstyle::Style {
        let colour = |colour: anstyle::AnsiColor| anstyle::Style::new().fg_color(Some(colour.into()));
        match self {
            Colour::Green => colour(anstyle::AnsiColor::Green),
            Colour::Yellow => colour(anstyle::AnsiColor::Yellow),
            Colour::Red => colour(anstyle::AnsiColor::Red),
            Colour::Cyan => colour(anstyle::AnsiColor::Cyan),
            Colour::Dim => anstyle::Style::new().dimmed(),
            Colour::Bold => anstyle::Style::new().bold(),
        }
    }
}
