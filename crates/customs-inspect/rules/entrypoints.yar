// Code that runs without being imported, as far as a file's text shows it. The manifests'
// entry points (npm scripts, setup.py, .pth files, build.rs, proc macros) are found in Rust.

rule python_setup_command_override {
    meta:
        id = "python-setup-command-override"
        description = "setup.py replaces the install, develop or egg_info command, which runs its own code during pip install"
        category = "entrypoint"
        severity = "low"
        signal = "entry"
    strings:
        $cmdclass = /\bcmdclass\s*=\s*\{[^}]{0,400}['"](install|develop|egg_info|build_py|bdist_wheel)['"]/
        // `class Name(install):` without `class Name`, whose atom would be every `class` of
        // ordinary code (the rule's condition limits it to setup.py).
        $subclass = /\(\s*(install|develop|egg_info)\s*\)\s*:/
    condition:
        file_name == "setup.py" and ($cmdclass or $subclass)
}
