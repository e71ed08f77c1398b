//! Shell command lines (npm scripts, the lines of shell and batch files) read conservatively
//! for what they run: `node x.js`, `sh y.sh`, `python z.py`, `./run`, `npm run other`. Nothing
//! is expanded or evaluated; what cannot be read plainly is left out (the text itself is
//! still scanned by the rules).

/// What one command of a command line runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    /// A file, as written (relative to the working directory: the package root for npm
    /// scripts).
    File(String),
    /// A module by name (`node -r x`, `python -m x`).
    Module(String),
    /// Code given inline (`node -e "..."`, `python -c "..."`): its references are followed
    /// as those of a file.
    Inline(String),
    /// Another npm script (`npm run build`).
    NpmScript(String),
    /// A program that is not part of the package (`node-gyp`, `tsc`).
    Tool(String),
}

/// Commands nested through `sh -c`, `cmd /c` are read this deep.
const MAX_NESTING: usize = 4;
/// Tokens read of one command line: a longer one is read in part.
const MAX_TOKENS: usize = 4096;

/// The invocations of a command line, in order.
pub(crate) fn invocations(line: &str) -> Vec<Invocation> {
    let mut found = Vec::new();
    read_line(line, 0, &mut found);
    found
}

fn read_line(line: &str, depth: usize, found: &mut Vec<Invocation>) {
    if depth > MAX_NESTING {
        return;
    }
    for command in commands(line) {
        read_command(&command, depth, found);
    }
}

/// A command line split into commands (at `;`, `&`, `&&`, `|`, `||`, newlines and
/// parentheses), each a list of words with quotes removed.
fn commands(line: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut tokens = 0usize;
    let mut chars = line.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(character) = chars.next() {
        if tokens > MAX_TOKENS {
            break;
        }
        match character {
            '\'' => {
                in_word = true;
                for quoted in chars.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    word.push(quoted);
                }
            }
            '"' => {
                in_word = true;
                while let Some(quoted) = chars.next() {
                    match quoted {
                        '"' => break,
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                word.push(escaped);
                            }
                        }
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(escaped) = chars.next()
                    && escaped != '\n'
                {
                    word.push(escaped);
                }
            }
            ';' | '&' | '|' | '\n' | '\r' | '(' | ')' => {
                end_word(&mut word, &mut in_word, &mut words);
                tokens += 1;
                if !words.is_empty() {
                    commands.push(std::mem::take(&mut words));
                }
            }
            character if character.is_whitespace() => {
                end_word(&mut word, &mut in_word, &mut words);
                tokens += 1;
            }
            character => {
                in_word = true;
                word.push(character);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words);
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// The program's name: the last path component, lowercase, without `.exe`/`.cmd`.
fn program(word: &str) -> String {
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let name = name.to_ascii_lowercase();
    for suffix in [".exe", ".cmd"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return stem.to_owned();
        }
    }
    name
}

const SCRIPT_EXTENSIONS: &[&str] = &[
    ".js", ".cjs", ".mjs", ".ts", ".sh", ".bash", ".py", ".bat", ".cmd", ".ps1", ".pl", ".rb",
];

fn read_command(words: &[String], depth: usize, found: &mut Vec<Invocation>) {
    let mut rest = words;
    // Prefixes that run the rest of the line: environment assignments, env, cross-env, sudo,
    // nohup, exec, time, Windows' `start` and its flags.
    loop {
        let Some((first, tail)) = rest.split_first() else {
            return;
        };
        let name = program(first);
        let assignment = first
            .split_once('=')
            .is_some_and(|(key, _)| !key.is_empty() && !key.contains('/'));
        if assignment
            || matches!(
                name.as_str(),
                "env" | "cross-env" | "sudo" | "nohup" | "exec" | "time" | "command"
            )
        {
            rest = tail;
        } else if name == "start" {
            rest = tail;
            while rest.first().is_some_and(|word| word.starts_with('/')) {
                rest = rest.get(1..).unwrap_or_default();
            }
        } else {
            break;
        }
    }
    let Some((first, arguments)) = rest.split_first() else {
        return;
    };
    let name = program(first);
    match name.as_str() {
        "node" | "nodejs" | "bun" | "tsx" | "ts-node" | "deno" => {
            read_interpreter(
                arguments,
                &["-e", "--eval", "-p", "--print"],
                found,
                |flag| matches!(flag, "-r" | "--require" | "--import" | "--loader"),
            );
        }
        "sh" | "bash" | "zsh" | "dash" | "ksh" => {
            let mut index = 0;
            while let Some(argument) = arguments.get(index) {
                if argument == "-c" {
                    if let Some(code) = arguments.get(index + 1) {
                        read_line(code, depth + 1, found);
                    }
                    return;
                }
                if !argument.starts_with('-') {
                    found.push(Invocation::File(argument.clone()));
                    return;
                }
                index += 1;
            }
        }
        "python" | "python3" | "python2" | "py" | "pypy" | "pypy3" => {
            read_interpreter(arguments, &["-c"], found, |flag| flag == "-m");
        }
        "npm" | "yarn" | "pnpm" => {
            let mut words = arguments.iter().filter(|word| !word.starts_with('-'));
            match words.next().map(String::as_str) {
                Some("run" | "run-script") => {
                    if let Some(script) = words.next() {
                        found.push(Invocation::NpmScript(script.clone()));
                    }
                }
                // `yarn build` runs the `build` script; npm's own commands are tools.
                Some(script) if name != "npm" && !is_package_manager_command(script) => {
                    found.push(Invocation::NpmScript(script.to_owned()));
                }
                _ => found.push(Invocation::Tool(name)),
            }
        }
        "powershell" | "pwsh" => {
            let mut index = 0;
            while let Some(argument) = arguments.get(index) {
                let flag = argument.to_ascii_lowercase();
                if flag == "-file" || flag == "-f" {
                    if let Some(file) = arguments.get(index + 1) {
                        found.push(Invocation::File(file.clone()));
                    }
                    return;
                }
                if flag == "-command" || flag == "-c" {
                    found.push(Invocation::Inline(
                        arguments.get(index + 1..).unwrap_or_default().join(" "),
                    ));
                    return;
                }
                index += 1;
            }
            found.push(Invocation::Tool(name));
        }
        "cmd" => {
            let start = arguments.iter().position(|word| {
                word.eq_ignore_ascii_case("/c") || word.eq_ignore_ascii_case("/k")
            });
            if let Some(start) = start {
                let rest = arguments.get(start + 1..).unwrap_or_default().join(" ");
                read_line(&rest, depth + 1, found);
            }
        }
        _ => {
            let lower = first.to_ascii_lowercase();
            if first.contains('/')
                || first.contains('\\')
                || SCRIPT_EXTENSIONS
                    .iter()
                    .any(|extension| lower.ends_with(extension))
            {
                found.push(Invocation::File(first.clone()));
            } else {
                found.push(Invocation::Tool(name));
            }
        }
    }
}

fn is_package_manager_command(word: &str) -> bool {
    matches!(
        word,
        "install"
            | "i"
            | "add"
            | "remove"
            | "ci"
            | "exec"
            | "dlx"
            | "rebuild"
            | "link"
            | "pack"
            | "publish"
            | "test"
            | "config"
            | "set"
            | "cache"
    )
}

/// Reads `interpreter [flags] file` where `inline_flags` take code and `module_flag` a
/// module name.
fn read_interpreter(
    arguments: &[String],
    inline_flags: &[&str],
    found: &mut Vec<Invocation>,
    module_flag: impl Fn(&str) -> bool,
) {
    let mut index = 0;
    while let Some(argument) = arguments.get(index) {
        if inline_flags.contains(&argument.as_str()) {
            if let Some(code) = arguments.get(index + 1) {
                found.push(Invocation::Inline(code.clone()));
            }
            return;
        }
        if module_flag(argument) {
            if let Some(module) = arguments.get(index + 1) {
                found.push(Invocation::Module(module.clone()));
            }
            index += 2;
            continue;
        }
        if argument == "run" && index == 0 {
            // `deno run file`
            index += 1;
            continue;
        }
        if argument.starts_with('-') {
            index += 1;
            continue;
        }
        found.push(Invocation::File(argument.clone()));
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::Invocation::{File, Inline, Module, NpmScript, Tool};
    use super::*;

    #[test]
    fn npm_scripts_as_written_in_the_wild() {
        assert_eq!(invocations("node-gyp rebuild"), [Tool("node-gyp".into())]);
        assert_eq!(
            invocations("start /B node preinstall.js & node preinstall.js"),
            [File("preinstall.js".into()), File("preinstall.js".into())]
        );
        assert_eq!(
            invocations("node -e \"try{require('./postinstall')}catch(e){}\""),
            [Inline("try{require('./postinstall')}catch(e){}".into())]
        );
        assert_eq!(
            invocations(
                "cross-env NODE_ENV=production node --max-old-space-size=4096 ./scripts/install.js"
            ),
            [File("./scripts/install.js".into())]
        );
        assert_eq!(
            invocations("sh -c 'bash ./a.sh && python -m pkg.hook'"),
            [File("./a.sh".into()), Module("pkg.hook".into())]
        );
        assert_eq!(
            invocations("npm run build && yarn compile; husky install"),
            [
                NpmScript("build".into()),
                NpmScript("compile".into()),
                Tool("husky".into())
            ]
        );
        assert_eq!(
            invocations("./bin/setup || preinstall.bat"),
            [File("./bin/setup".into()), File("preinstall.bat".into())]
        );
        assert_eq!(invocations("cmd /c \"node x.js\""), [File("x.js".into())]);
        assert_eq!(
            invocations("powershell -ExecutionPolicy Bypass -File install.ps1"),
            [File("install.ps1".into())]
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let mut line = "node deep.js".to_owned();
        for _ in 0..8 {
            line = format!("sh -c {line:?}");
        }
        assert!(invocations(&line).is_empty());
    }
}
