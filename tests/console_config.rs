//! Startup checks: a bad theme file or a bad key binding is an error naming the file and the key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use billops::console::check_config;

#[test]
fn good_config_passes() {
    let dir = tempfile::tempdir().unwrap();
    check_config(dir.path(), None).unwrap();
    for t in ["dark", "light", "high-contrast", "monochrome"] {
        check_config(dir.path(), Some(t)).unwrap();
    }
    std::fs::write(dir.path().join("keys.toml"), "[keys]\nexport = [\"E\", \"ctrl-e\"]\nquit = \"Q\"\n").unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(
        dir.path().join("themes/mine.toml"),
        "symbols = \"ascii\"\n[roles]\ntitle = { fg = \"#ff8800\", bold = true }\n",
    )
    .unwrap();
    check_config(dir.path(), Some("mine")).unwrap();
}

#[test]
fn bad_key_binding_names_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.toml");
    for (text, key, why) in [
        ("[keys]\nquit = \"ctrl-\"\n", "keys.quit", "bad key"),
        ("[keys]\nexprot = \"x\"\n", "keys.exprot", "unknown action"),
        ("[keys]\nquit = 5\n", "keys.quit", "expected"),
        ("[keys]\nexport = \"e\"\n", "keys.export", "edit"),
        ("[binds]\nquit = \"q\"\n", "binds", "unknown field"),
    ] {
        std::fs::write(&keys, text).unwrap();
        let e = check_config(dir.path(), None).unwrap_err();
        assert!(e.contains(&keys.display().to_string()), "{e}");
        assert!(e.contains(key), "{e}");
        assert!(e.contains(why), "{e}");
    }
}

#[test]
fn bad_theme_names_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    let f = dir.path().join("themes/dark.toml");
    for (text, key) in [
        ("[roles]\ntitle = { fg = \"chartreuse\" }\n", "roles.title.fg"),
        ("[roles]\nheadline = {}\n", "roles.headline"),
        ("[roles]\ntitle = { fg = \"red\", blink = true }\n", "blink"),
        ("symbols = \"emoji\"\n", "symbols"),
        ("colours = {}\n", "colours"),
    ] {
        std::fs::write(&f, text).unwrap();
        let e = check_config(dir.path(), Some("dark")).unwrap_err();
        assert!(e.contains(&f.display().to_string()), "{e}");
        assert!(e.contains(key), "{e}");
    }
    let e = check_config(dir.path(), Some("solarized")).unwrap_err();
    assert!(e.contains("solarized") && e.contains("built-in"), "{e}");
}
