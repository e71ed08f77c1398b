//! Manifests beside lockfiles: they mark direct dependencies and scopes where a lockfile does not.
