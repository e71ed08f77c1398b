//! Registry URLs from the project and the environment, and checks that follow them.

mod common;

use common::{FakeRegistry, Reply, inventory, package, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_registry::{Environment, RegistryConfig, check};
use serde_json::json;

fn discovered(root: &std::path::Path, environment: &Environment) -> RegistryConfig {
    RegistryConfig::discover_in(root, root.join("cache.sqlite"), environment)
}

#[test]
fn defaults_are_the_public_registries() {
    let project = temporary();
    let config = discovered(project.path(), &Environment::default());
    assert_eq!(config.npm.as_str(), "https://registry.npmjs.org/");
    assert_eq!(config.pypi.as_str(), "https://pypi.org/pypi/");
    assert_eq!(config.crates_index.as_str(), "https://index.crates.io/");
    assert_eq!(config.crates_api.as_str(), "https://crates.io/api/v1/");
    assert!(!config.offline);
}

#[test]
fn the_crates_io_api_from_the_environment_and_not_from_an_index_mirror() {
    let project = temporary();
    std::fs::create_dir_all(project.path().join(".cargo")).unwrap();
    std::fs::write(
        project.path().join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"mirror\"\n[source.mirror]\nregistry = \"sparse+https://mirror.example/index/\"\n",
    )
    .unwrap();
    let config = discovered(project.path(), &Environment::default());
    assert_eq!(
        config.crates_index.as_str(),
        "https://mirror.example/index/"
    );
    assert_eq!(config.crates_api.as_str(), "https://crates.io/api/v1/");
    let environment =
        Environment::default().variable("CUSTOMS_CRATES_API", "https://api-mirror.example/v1");
    let config = discovered(project.path(), &environment);
    assert_eq!(config.crates_api.as_str(), "https://api-mirror.example/v1/");
    let environment = Environment::default().variable("CUSTOMS_CRATES_API", "ftp://nope/");
    let config = discovered(project.path(), &environment);
    assert_eq!(config.crates_api.as_str(), "https://crates.io/api/v1/");
}

#[test]
fn npmrc_registry_from_the_project_then_home() {
    let server = FakeRegistry::start();
    let project = temporary();
    let home = temporary();
    std::fs::write(
        home.path().join(".npmrc"),
        "registry=https://home.example/npm/\n",
    )
    .unwrap();
    let environment = Environment::default().home(home.path().to_path_buf());
    assert_eq!(
        discovered(project.path(), &environment).npm.as_str(),
        "https://home.example/npm/"
    );

    // The project's own .npmrc wins; a check then asks the mirror it names.
    std::fs::write(
        project.path().join(".npmrc"),
        format!(
            "; company mirror\nregistry = {}\n",
            server.url("npm-mirror")
        ),
    )
    .unwrap();
    let mut config = discovered(project.path(), &environment);
    assert_eq!(config.npm.as_str(), server.url("npm-mirror/"));
    server.route(
        "/npm-mirror/left-pad",
        [Reply::json(
            json!({"versions": {"1.3.0": {}}, "time": {"1.3.0": "2018-04-09T01:10:45.796Z"}}),
        )],
    );
    config.retries = 0;
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "left-pad", "1.3.0")],
    )]);
    let evidence = check(&inventory, &config).unwrap();
    assert!(evidence.unchecked.is_empty(), "{:?}", evidence.unchecked);
    assert_eq!(server.requests()[0].path, "/npm-mirror/left-pad");

    // The environment wins over both.
    let environment = environment.variable("npm_config_registry", "https://env.example/");
    assert_eq!(
        discovered(project.path(), &environment).npm.as_str(),
        "https://env.example/"
    );
}

#[test]
fn pip_index_url_mirror_maps_to_its_json_api() {
    let server = FakeRegistry::start();
    let project = temporary();
    let environment = Environment::default().variable(
        "PIP_INDEX_URL",
        &server.url("repository/pypi-proxy/simple/"),
    );
    let mut config = discovered(project.path(), &environment);
    assert_eq!(
        config.pypi.as_str(),
        server.url("repository/pypi-proxy/pypi/")
    );
    server.route(
        "/repository/pypi-proxy/pypi/six/json",
        [Reply::json(json!({"info": {"version": "1.16.0"}, "releases": {"1.16.0": [{"upload_time_iso_8601": "2021-05-05T14:18:17Z"}]}}))],
    );
    server.route(
        "/repository/pypi-proxy/pypi/six/1.16.0/json",
        [Reply::json(json!({"info": {"license": "MIT"}}))],
    );
    config.retries = 0;
    let inventory = inventory(vec![(
        "requirements.txt",
        PyPI,
        vec![package(PyPI, "six", "1.16.0")],
    )]);
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.packages[0].license.as_deref(), Some("MIT"));

    // uv's variables come first; an index with no known JSON API is left alone.
    let environment = environment.variable("UV_DEFAULT_INDEX", "https://uv.example/simple");
    assert_eq!(
        discovered(project.path(), &environment).pypi.as_str(),
        "https://uv.example/pypi/"
    );
    let environment =
        Environment::default().variable("PIP_INDEX_URL", "https://flat.example/wheels/");
    assert_eq!(
        discovered(project.path(), &environment).pypi.as_str(),
        "https://pypi.org/pypi/"
    );
}

#[test]
fn cargo_source_replacement_with_a_sparse_mirror() {
    let server = FakeRegistry::start();
    let project = temporary();
    let nested = project.path().join("crates/app");
    std::fs::create_dir_all(project.path().join(".cargo")).unwrap();
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(
        project.path().join(".cargo/config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"mirror\"\n\n[source.mirror]\nregistry = \"sparse+{}\"\n",
            server.url("crates-mirror/")
        ),
    )
    .unwrap();
    // Found from a directory below the one that holds .cargo/, as Cargo finds it.
    let mut config = discovered(&nested, &Environment::default());
    assert_eq!(config.crates_index.as_str(), server.url("crates-mirror/"));
    server.route(
        "/crates-mirror/3/l/log",
        [Reply::json(
            r#"{"name":"log","vers":"0.4.22","cksum":"00","yanked":false}"#,
        )],
    );
    config.retries = 0;
    let inventory = inventory(vec![(
        "Cargo.lock",
        CratesIo,
        vec![package(CratesIo, "log", "0.4.22")],
    )]);
    let evidence = check(&inventory, &config).unwrap();
    assert!(evidence.unchecked.is_empty(), "{:?}", evidence.unchecked);

    // A git mirror cannot be read over HTTP: the default stays.
    let git = temporary();
    std::fs::create_dir_all(git.path().join(".cargo")).unwrap();
    std::fs::write(
        git.path().join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\nregistry = \"https://git.example/index.git\"\n",
    )
    .unwrap();
    assert_eq!(
        discovered(git.path(), &Environment::default())
            .crates_index
            .as_str(),
        "https://index.crates.io/"
    );
}
