//! Command lines as users run them (netsh, appcmd, certutil): a program and typed arguments,
//! rendered by one quoting function per shell, [`cmd`] and [`powershell`]. Doctor's fixes and
//! the change plans' scripts both print such lines, so this module sits below both and every
//! line is quoted one way.
//!
//! cmd.exe does not split arguments: it hands the rest of the line to the program, which splits
//! it with the MSVCRT rules (whitespace separates; `"` opens and closes quoting and is removed;
//! `2n` backslashes before a `"` become `n`, `2n+1` become `n` and a literal `"`; other
//! backslashes are literal). Before that cmd itself, in a batch file, turns `%%` into `%` and
//! expands `%NAME%` anywhere on the line, quotes or not; then every `"` toggles its quote state,
//! and outside quotes `^` escapes the next character and `& | < > ( )` are syntax. `{` and `}`
//! mean nothing to cmd or MSVCRT, so netsh receives `appid={…}` intact either way; it is written
//! `appid="{…}"` because that line also works pasted into PowerShell. A value that is not a
//! plain word is written in double quotes (backslashes doubled before a quote); when it holds a
//! `"` itself, cmd's quote state would flip inside it, so such a value's quotes and syntax
//! characters are all `^`-escaped instead and cmd never enters its quote state. In a batch file
//! `%` is doubled; at a prompt cmd has no escape for `%` inside quotes and leaves `%NAME%` as
//! it is unless such a variable exists. Line breaks cannot be carried by either shell.
//!
//! PowerShell parses the line itself: a bare `{…}` is a script block and `$`, `@`, `;`, `,`,
//! `` ` ``, quotes and the rest are syntax, so netsh would get the wrong text ("The parameter is
//! incorrect"). A value that is not a plain word is written in single quotes, where only the
//! single quote is special (doubled), and PowerShell counts the typographic `‘ ’ ‚ ‛` as single
//! quotes too. `appid='{…}'` is one argument: PowerShell joins a bare word and a quoted string
//! that touch. (Windows PowerShell 5.1 then passes an argument holding `"` to a native program
//! without escaping it, a defect of that shell; PowerShell 7.3 and later pass it correctly.)

/// A program and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Command {
    /// The program, as cmd.exe finds it; it may name environment variables as `%NAME%`,
    /// which cmd expands (only fix texts, which are for cmd, use that).
    pub program: String,
    /// The arguments, in order.
    pub args: Vec<Arg>,
}

/// One argument of a [`Command`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// A whole argument, such as `http` or `/-bindings.[…]`.
    Word(String),
    /// netsh's `name=value`; the program receives `name=value`.
    Param { name: &'static str, value: String },
    /// appcmd's `/name:value`; the program receives `/name:value`.
    Switch { name: &'static str, value: String },
    /// A stand-in such as `certhash=<THUMBPRINT>` that the user replaces before running the
    /// line, written as it is.
    Placeholder(&'static str),
}

impl Command {
    /// `program` with no arguments.
    pub(crate) fn new(program: impl Into<String>) -> Command {
        Command { program: program.into(), args: Vec::new() }
    }

    /// The command with the words of `words` (split at spaces) appended, e.g. `"http add sslcert"`.
    pub(crate) fn words(mut self, words: &str) -> Command {
        self.args
            .extend(words.split(' ').filter(|word| !word.is_empty()).map(|word| Arg::Word(word.to_owned())));
        self
    }

    /// The command with the argument `word` appended.
    pub(crate) fn word(mut self, word: impl Into<String>) -> Command {
        self.args.push(Arg::Word(word.into()));
        self
    }

    /// The command with `name=value` appended.
    pub(crate) fn param(mut self, name: &'static str, value: impl Into<String>) -> Command {
        self.args.push(Arg::Param { name, value: value.into() });
        self
    }

    /// The command with `/name:value` appended.
    pub(crate) fn switch(mut self, name: &'static str, value: impl Into<String>) -> Command {
        self.args.push(Arg::Switch { name, value: value.into() });
        self
    }

    /// The command with the stand-in `text` appended.
    pub(crate) fn placeholder(mut self, text: &'static str) -> Command {
        self.args.push(Arg::Placeholder(text));
        self
    }
}

/// Where cmd.exe reads a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmd {
    /// Typed or pasted at a prompt (fix texts, plan displays).
    Prompt,
    /// In a `.cmd` batch file, where `%` is doubled.
    Batch,
}

/// Whether `value` passes through cmd.exe, MSVCRT and PowerShell unchanged without quotes.
fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '-' | ':' | '/' | '\\' | '+' | '*' | '[' | ']')
        })
}

/// `command` as one cmd.exe line read in `context`.
pub(crate) fn cmd(command: &Command, context: Cmd) -> String {
    let mut line = if command.program.contains([' ', '\t']) {
        format!("\"{}\"", command.program)
    } else {
        command.program.clone()
    };
    for arg in &command.args {
        line.push(' ');
        match arg {
            Arg::Word(word) => line.push_str(&cmd_quote(word, context)),
            Arg::Param { name, value } => {
                line.push_str(&format!("{name}={}", cmd_quote(value, context)));
            }
            Arg::Switch { name, value } => {
                line.push_str(&format!("/{name}:{}", cmd_quote(value, context)));
            }
            Arg::Placeholder(text) => line.push_str(text),
        }
    }
    line
}

/// `value` as the MSVCRT text of one argument, escaped for cmd.exe in `context`.
fn cmd_quote(value: &str, context: Cmd) -> String {
    if is_plain(value) {
        return value.to_owned();
    }
    let quoted = msvcrt_quote(value);
    let escaped = if value.contains('"') {
        // Caret-escape every quote and syntax character so that cmd never enters its quote
        // state: an escaped `"` is passed on without toggling it.
        let mut escaped = String::with_capacity(quoted.len() * 2);
        for c in quoted.chars() {
            if matches!(c, '"' | '^' | '&' | '|' | '<' | '>' | '(' | ')') {
                escaped.push('^');
            }
            escaped.push(c);
        }
        escaped
    } else {
        quoted
    };
    match context {
        Cmd::Prompt => escaped,
        Cmd::Batch => escaped.replace('%', "%%"),
    }
}

/// `value` in double quotes for the MSVCRT argument rules: a `"` is escaped with a backslash,
/// and the backslashes before a `"` (or before the closing quote) are doubled.
fn msvcrt_quote(value: &str) -> String {
    let mut quoted = String::from("\"");
    let mut backslashes = 0;
    for c in value.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                quoted.push_str(&"\\".repeat(backslashes * 2 + 1));
                quoted.push('"');
                backslashes = 0;
            }
            _ => {
                quoted.push_str(&"\\".repeat(backslashes));
                quoted.push(c);
                backslashes = 0;
            }
        }
    }
    quoted.push_str(&"\\".repeat(backslashes * 2));
    quoted.push('"');
    quoted
}

/// `command` as one PowerShell line.
pub(crate) fn powershell(command: &Command) -> String {
    let mut line =
        if is_plain(&command.program) && command.program.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            command.program.clone()
        } else {
            // A quoted program name is a string, which PowerShell runs only after `&`.
            format!("& {}", powershell_quote(&command.program))
        };
    for arg in &command.args {
        line.push(' ');
        match arg {
            Arg::Word(word) => {
                let bare = is_plain(word)
                    && word.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/'));
                line.push_str(&if bare { word.clone() } else { powershell_quote(word) });
            }
            Arg::Param { name, value } => line.push_str(&format!("{name}={}", powershell_value(value))),
            Arg::Switch { name, value } => line.push_str(&format!("/{name}:{}", powershell_value(value))),
            Arg::Placeholder(text) => line.push_str(text),
        }
    }
    line
}

/// `value` after `name=` or `/name:`: bare when plain, else single-quoted.
fn powershell_value(value: &str) -> String {
    if is_plain(value) { value.to_owned() } else { powershell_quote(value) }
}

/// `value` in single quotes, each single quote (typographic ones included) doubled.
fn powershell_quote(value: &str) -> String {
    let mut quoted = String::from("'");
    for c in value.chars() {
        if is_single_quote(c) {
            quoted.push(c);
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// Whether PowerShell reads `c` as a single quote.
fn is_single_quote(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What cmd.exe hands the program for `line` read in `context` (the text after the program
    /// name is passed on whole), or why the line would not reach it as written: a `%` that a
    /// batch file could expand, a syntax character outside quotes, or a quote left open (which
    /// would swallow a following `|| exit /b 1`).
    fn cmd_model(line: &str, context: Cmd) -> Result<String, String> {
        let mut expanded = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' && context == Cmd::Batch && chars.next_if_eq(&'%').is_none() {
                return Err(format!("a lone % in {line:?}"));
            }
            expanded.push(c);
        }
        let mut passed = String::new();
        let mut quoted = false;
        let mut chars = expanded.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    quoted = !quoted;
                    passed.push(c);
                }
                '^' if !quoted => passed.push(chars.next().ok_or("a caret ends the line")?),
                '&' | '|' | '<' | '>' | '(' | ')' if !quoted => {
                    return Err(format!("`{c}` is syntax in {line:?}"));
                }
                '\r' | '\n' => return Err("a line break".to_owned()),
                _ => passed.push(c),
            }
        }
        if quoted {
            return Err(format!("a quote is left open in {line:?}"));
        }
        Ok(passed)
    }

    /// The MSVCRT (and `CommandLineToArgvW`) split of a command line into arguments.
    fn msvcrt_split(line: &str) -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        let mut args = Vec::new();
        let mut i = 0;
        loop {
            while i < chars.len() && matches!(chars[i], ' ' | '\t') {
                i += 1;
            }
            if i == chars.len() {
                return args;
            }
            let mut arg = String::new();
            let mut quoted = false;
            while i < chars.len() && (quoted || !matches!(chars[i], ' ' | '\t')) {
                match chars[i] {
                    '\\' => {
                        let start = i;
                        while i < chars.len() && chars[i] == '\\' {
                            i += 1;
                        }
                        let count = i - start;
                        if i < chars.len() && chars[i] == '"' {
                            arg.push_str(&"\\".repeat(count / 2));
                            if count % 2 == 1 {
                                arg.push('"');
                                i += 1;
                            }
                        } else {
                            arg.push_str(&"\\".repeat(count));
                        }
                    }
                    '"' => {
                        if quoted && chars.get(i + 1) == Some(&'"') {
                            arg.push('"');
                            i += 2;
                        } else {
                            quoted = !quoted;
                            i += 1;
                        }
                    }
                    c => {
                        arg.push(c);
                        i += 1;
                    }
                }
            }
            args.push(arg);
        }
    }

    /// The arguments PowerShell's parser makes of `line` in argument mode, or the syntax it
    /// would see instead of text: script blocks, variables, splatting, statement and array
    /// separators, redirections, comments, escapes and double-quoted (expandable) strings.
    fn powershell_model(line: &str) -> Result<Vec<String>, String> {
        let chars: Vec<char> = line.chars().collect();
        let mut args = Vec::new();
        let mut i = 0;
        loop {
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if i == chars.len() {
                break;
            }
            if matches!(chars[i], '[' | '.' | '+' | '\u{2013}' | '\u{2014}' | '\u{2015}') {
                return Err(format!("a token starts with {:?} in {line:?}", chars[i]));
            }
            let mut arg = String::new();
            while i < chars.len() && chars[i] != ' ' {
                let c = chars[i];
                if is_single_quote(c) {
                    i += 1;
                    loop {
                        let Some(&inner) = chars.get(i) else {
                            return Err("an open single quote".to_owned());
                        };
                        i += 1;
                        if is_single_quote(inner) {
                            match chars.get(i) {
                                Some(&next) if is_single_quote(next) => {
                                    arg.push(next);
                                    i += 1;
                                }
                                _ => break,
                            }
                        } else {
                            arg.push(inner);
                        }
                    }
                    continue;
                }
                if matches!(
                    c,
                    '{' | '}' | '(' | ')' | '$' | '@' | ';' | ',' | '&' | '|' | '<' | '>' | '#' | '`' | '"'
                ) || matches!(c, '\u{201C}' | '\u{201D}' | '\u{201E}' | '\t' | '\r' | '\n')
                {
                    return Err(format!("`{c}` is syntax in {line:?}"));
                }
                arg.push(c);
                i += 1;
            }
            args.push(arg);
        }
        if args.first().map(String::as_str) == Some("&") {
            args.remove(0);
        }
        Ok(args)
    }

    /// What the program should receive for `arg`.
    fn intended(arg: &Arg) -> String {
        match arg {
            Arg::Word(word) => word.clone(),
            Arg::Param { name, value } => format!("{name}={value}"),
            Arg::Switch { name, value } => format!("/{name}:{value}"),
            Arg::Placeholder(text) => (*text).to_owned(),
        }
    }

    /// Argument text with every character the shells treat specially, and some that they do not.
    fn value() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "[a-zA-Z0-9 \"'%^&|<>(){}\\\\$@;,#`=:/.*+!~\\[\\]\\-\u{e9}\u{2018}\u{2019}\u{201C}\u{201D}\u{2013}\u{4E2D}]{0,12}",
        )
        .unwrap_or_else(|error| panic!("the pattern is valid: {error}"))
    }

    fn arg() -> impl Strategy<Value = Arg> {
        prop_oneof![
            value().prop_map(Arg::Word),
            value().prop_map(|value| Arg::Param { name: "certstorename", value }),
            value().prop_map(|value| Arg::Switch { name: "site.name", value }),
        ]
    }

    fn command() -> impl Strategy<Value = Command> {
        proptest::collection::vec(arg(), 0..6).prop_map(|args| Command { program: "netsh".to_owned(), args })
    }

    fn argv(command: &Command) -> Vec<String> {
        std::iter::once(command.program.clone()).chain(command.args.iter().map(intended)).collect()
    }

    proptest! {
        #[test]
        fn cmd_lines_split_back_into_the_arguments(command in command(), batch in any::<bool>()) {
            let context = if batch { Cmd::Batch } else { Cmd::Prompt };
            // The model refuses a line that ends inside quotes, which would swallow the batch
            // scripts' `|| exit /b 1`.
            let passed = cmd_model(&cmd(&command, context), context);
            prop_assert!(passed.is_ok(), "{passed:?}");
            prop_assert_eq!(msvcrt_split(&passed.unwrap_or_default()), argv(&command));
        }

        #[test]
        fn powershell_lines_split_back_into_the_arguments(command in command()) {
            prop_assert_eq!(powershell_model(&powershell(&command)), Ok(argv(&command)));
        }
    }

    #[test]
    fn the_models_catch_what_would_break() {
        assert!(cmd_model("netsh a=\"x\\\"&y\"", Cmd::Prompt).is_err());
        assert!(cmd_model("netsh a=\"1%\"", Cmd::Batch).is_err());
        assert_eq!(msvcrt_split("netsh appid=\"{a b}\" x\\\\\\\"y"), ["netsh", "appid={a b}", "x\\\"y"]);
        assert!(powershell_model("netsh appid={x}").is_err());
        assert_eq!(powershell_model("netsh a='it''s'"), Ok(vec!["netsh".to_owned(), "a=it's".to_owned()]));
    }

    #[test]
    fn app_ids_and_odd_values_render_per_shell() {
        let command = Command::new("netsh")
            .words("http add sslcert")
            .param("appid", "{4dc3e181-e14b-4a21-b022-59fc669b0914}")
            .param("certstorename", "100% it's")
            .param("sslctlstorename", "a\"b&c");
        assert_eq!(
            cmd(&command, Cmd::Prompt),
            "netsh http add sslcert appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=\"100% it's\" \
             sslctlstorename=^\"a\\^\"b^&c^\""
        );
        assert_eq!(
            cmd(&command, Cmd::Batch),
            "netsh http add sslcert appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=\"100%% it's\" \
             sslctlstorename=^\"a\\^\"b^&c^\""
        );
        assert_eq!(
            powershell(&command),
            "netsh http add sslcert appid='{4dc3e181-e14b-4a21-b022-59fc669b0914}' certstorename='100% it''s' \
             sslctlstorename='a\"b&c'"
        );
    }
}
