//! `customs inventory`: every package the lockfiles under the given paths pin.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::{EXIT_INPUT_ERROR, InventoryArgs, InventoryFormat};

pub(crate) fn run(args: InventoryArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let inventory = customs_discover::scan(&paths, &customs_discover::Options::default());
    crate::output::write(args.output.as_ref(), |out| match args.format {
        InventoryFormat::Table => customs_report::inventory::write_table(&inventory, out),
        InventoryFormat::Json => customs_report::inventory::write_json(&inventory, out),
    })?;
    // The table lists errors itself; when the report goes elsewhere (JSON, or a file), a
    // person watching the terminal must still learn that some input was not read.
    if args.output.is_some() || matches!(args.format, InventoryFormat::Json) {
        for error in &inventory.errors {
            eprintln!("customs: error: {error}");
        }
    }
    let code = if inventory.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT_ERROR)
    };
    crate::exit_without_freeing(inventory);
    Ok(code)
}
