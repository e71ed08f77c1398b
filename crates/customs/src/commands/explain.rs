//! `customs explain [CODE]`: what a finding code means, from the one table of codes.

use std::process::ExitCode;

use customs_core::Code;

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// A finding code (`cooldown`, `install-script-added`, ...); without one, every code is listed.
    #[arg(value_name = "CODE")]
    code: Option<String>,
}

pub(crate) fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let Some(name) = args.code else {
        crate::output::write(None, |out| {
            let width = Code::ALL
                .iter()
                .map(|c| c.as_str().len())
                .max()
                .unwrap_or(0);
            for code in Code::ALL {
                writeln!(
                    out,
                    "{:width$}  {:5}  {}",
                    code.as_str(),
                    code.default_level().as_str(),
                    code.summary()
                )?;
            }
            Ok(())
        })?;
        return Ok(ExitCode::SUCCESS);
    };
    let code: Code = name.trim().parse().map_err(|_| {
        anyhow::anyhow!("unknown finding code `{name}`: `customs explain` lists every code")
    })?;
    crate::output::write(None, |out| {
        writeln!(
            out,
            "{} (default level: {})\n",
            code.as_str(),
            code.default_level()
        )?;
        writeln!(out, "{}\n", code.summary())?;
        writeln!(out, "{}", code.explanation())?;
        writeln!(
            out,
            "\nChange its level in customs.toml with `[levels] {} = \"deny\"|\"warn\"|\"allow\"`, or accept one \
             finding with an `[[ignore]]` entry (`id = \"{}\"`, a `package` and a `reason`).",
            code.as_str(),
            code.as_str()
        )
    })?;
    Ok(ExitCode::SUCCESS)
}
