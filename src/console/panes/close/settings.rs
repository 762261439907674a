//! `=` on the Close pane: a manager changes a shared month-end setting, as `billops close set KEY VALUE` does
//! (`due_day`, `issue_after_sign_off`, `unreached_credits`, `issuer.*`, `owner.ITEM` …; `billops close
//! settings` lists them). The key is checked in the form; the value is checked with the settings in force by
//! the write (`month::settings::set`), and a refusal comes back beside the value.
use super::form::Kind;
use super::io::Write;
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form};
use crate::console::panes::write;
use crate::console::state::{Mode, State};
use crate::month::settings::{ISSUER_KEYS, KEYS, OWNER_KEYS};

/// Every key a person may set.
pub fn keys() -> Vec<&'static str> {
    KEYS.iter().chain(ISSUER_KEYS.iter()).map(|(k, _)| *k).chain(OWNER_KEYS.iter().map(|(k, _)| *k)).collect()
}

/// `E`: the form (manager).
pub fn open(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(format!("{why}: shared settings are the managers'"));
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Close(Kind::Setting),
        "change a shared setting for everyone (audited): due_day, issue_after_sign_off, unreached_credits, \
         issuer.name, owner.final_data … (billops close settings lists them)",
        vec![Field::new(SettingForm::KEY, "", Complete::None), Field::new(SettingForm::VALUE, "", Complete::None)],
    ));
    Vec::new()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingForm {
    pub key: String,
    pub value: String,
}

impl SettingForm {
    pub const KEY: &'static str = "key";
    pub const VALUE: &'static str = "value";

    pub fn read(f: &Form) -> Result<SettingForm, FieldError> {
        let key = f.get(Self::KEY);
        let all = keys();
        if !all.contains(&key.as_str()) {
            let near: Vec<&str> = all.iter().copied().filter(|k| !key.is_empty() && k.starts_with(&key)).collect();
            let hint = if near.is_empty() { "billops close settings lists them".to_string() } else { near.join(", ") };
            return Err(FieldError::at(Self::KEY, format!("key: {key:?} is not a setting ({hint})")));
        }
        let value = f.get(Self::VALUE);
        if value.is_empty() {
            return Err(FieldError::at(Self::VALUE, "value: required"));
        }
        Ok(SettingForm { key, value })
    }
}

pub fn submit(s: &mut State, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let x = SettingForm::read(f)?;
    Ok(write(s, PaneWrite::Close(Write::Setting { key: x.key, value: x.value })))
}
