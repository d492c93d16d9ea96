//! Generation: every generated file of every fixture model (and of every example PRD that
//! analyzes cleanly) is snapshotted, one snapshot per file; plus properties of the output.

use backend_pro::evolve::Rendered;
use backend_pro::model::Model;
use backend_pro::render::{Options, GENERATED_HEADER};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_models() -> Vec<(String, Model)> {
    let dir = root().join("tests/fixtures/models");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).expect("read fixture");
        let model = Model::from_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let stem = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        out.push((stem, model));
    }
    out
}

/// Example PRDs that analyze without errors and produce entities, with the capabilities
/// `new --prd` turns on.
fn example_models() -> Vec<(String, Model)> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(root().join("examples")) else {
        return out;
    };
    let mut dirs: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    dirs.sort();
    for d in dirs {
        let Ok(text) = std::fs::read_to_string(d.join("PRD.md")) else {
            continue;
        };
        let mut analysis = backend_pro::analyze(&text, &Default::default());
        if analysis.has_errors() || analysis.model.entities.is_empty() {
            continue;
        }
        // What `new --prd` generates: the capabilities the PRD asks for and the defaults.
        analysis.model.capabilities = backend_pro::capability::for_prd(&analysis.model, &text);
        let name = d
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        out.push((format!("example-{name}"), analysis.model));
    }
    out
}

fn generate(model: &Model) -> Vec<Rendered> {
    let opts = Options {
        module: backend_pro::generate::default_module(model),
        lang: model.service.lang,
    };
    backend_pro::generate::generate(model, &opts, &BTreeMap::new())
        .unwrap_or_else(|e| panic!("generate {}: {e}", model.service.name))
}

fn snapshot_all(name: &str, files: &[Rendered]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new("snapshots/generate").join(name));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for f in files {
            let key = f.path.replace('/', "__");
            insta::assert_snapshot!(key, f.contents);
        }
    });
}

#[test]
fn snapshots_of_fixture_models() {
    for (name, model) in fixture_models() {
        snapshot_all(&name, &generate(&model));
    }
}

#[test]
fn snapshots_of_examples() {
    for (name, model) in example_models() {
        snapshot_all(&name, &generate(&model));
    }
}

#[test]
fn output_is_deterministic_sorted_and_marked() {
    for (name, model) in fixture_models().into_iter().chain(example_models()) {
        let a = generate(&model);
        let b = generate(&model);
        assert_eq!(a, b, "{name}: two renders differ");
        let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(paths, sorted, "{name}: paths not sorted or not unique");
        for f in &a {
            let generated = f.path.ends_with(".gen.go") || f.path.ends_with(".gen_test.go");
            assert_eq!(
                f.contents.starts_with(GENERATED_HEADER),
                generated,
                "{name}: {} header",
                f.path
            );
            assert!(
                !f.contents.contains('\u{b}'),
                "{name}: {} has a raw cell separator",
                f.path
            );
            assert!(
                f.contents.ends_with('\n'),
                "{name}: {} lacks a final newline",
                f.path
            );
        }
        assert!(paths.contains(&"backend-pro.yaml"));
        assert!(paths
            .iter()
            .any(|p| p.starts_with("migrations/00001_create_")));
    }
}

#[test]
fn bad_module_paths_are_refused() {
    let (_, model) = fixture_models().remove(0);
    for bad in ["shop", "Example.com/x", "example.com//x", "example.com/a b"] {
        let opts = Options {
            module: bad.to_string(),
            lang: model.service.lang,
        };
        assert!(backend_pro::generate::generate(&model, &opts, &BTreeMap::new()).is_err());
    }
}

#[test]
fn unknown_template_variable_is_an_error() {
    let (_, model) = fixture_models().remove(0);
    let opts = Options {
        module: "example.com/shop".into(),
        lang: model.service.lang,
    };
    let mut overrides = BTreeMap::new();
    overrides.insert(
        "root/gitignore.tera".to_string(),
        "{{ p.nope }}\n".to_string(),
    );
    let err = backend_pro::generate::generate(&model, &opts, &overrides).unwrap_err();
    assert!(err.to_string().contains("gitignore"), "{err}");
}
