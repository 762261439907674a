//! A customer's onboarding checklist in the Customers pane (issue 11): the list shows each current item's
//! state, owner, due date, evidence and who ticked it (computed items say so, with what the data says);
//! `space` ticks a hand-ticked item, `e` sets owner, due date and evidence, and managers add (`a`) and retire
//! (`X`, confirmed) items of the shared list. The store (`OnboardingStore`) decides roles and computed items
//! again; its refusals land beside the field they concern.
use billops_domain::text::{Code, FreeText, Name};
use billops_store::{OnboardingEntry, OnboardingUpdate};
use chrono::NaiveDate;

use super::form::Kind;
use super::io::{DetailData, Write};
use crate::console::action::{Effect, FormKind, PaneWrite};
use crate::console::input::{Complete, Field, FieldError, Form, parse_date};
use crate::console::panes::write;
use crate::console::state::{Mode, State, ViewKey};
use crate::console::table::{Cell, Column, Mark, Row, TableModel};
use crate::console::theme::Role;

/// The list (`id`: the item's key).
pub fn table(d: &DetailData) -> TableModel {
    let rows = d
        .onboarding
        .iter()
        .map(|i| Row {
            id: i.item.clone(),
            cells: vec![
                if i.done {
                    Cell::text("done").mark(Mark::Check).role(Role::Approved)
                } else {
                    Cell::text("open").mark(Mark::Open).role(Role::Warning)
                },
                Cell::text(i.label.clone()),
                Cell::text(i.due.map(|d| d.to_string()).unwrap_or_default()),
                Cell::text(i.owner.clone().unwrap_or_default()),
                Cell::text(match &i.computed {
                    Some(_) => "computed".to_string(),
                    None => i.by.clone().unwrap_or_default(),
                }),
                Cell::text(i.evidence.clone().unwrap_or_default()),
            ],
            role: None,
        })
        .collect();
    TableModel {
        columns: vec![
            Column::text("", 6),
            Column::text("item", 28),
            Column::text("due", 10),
            // narrow terminals keep state, item and due; the line under the list says the rest
            Column::optional("owner", 10, 5),
            Column::optional("by", 10, 5),
            Column::optional("evidence", 24, 8),
        ],
        rows,
        total: None,
    }
}

/// What the selected item's line under the list says: computed items what the data says, others who ticked
/// it when, and the evidence in full.
pub fn selected_text(e: &OnboardingEntry) -> String {
    let state = match (&e.computed, e.done, &e.by, e.at) {
        (Some(_), _, _, _) => format!("computed from the data, never ticked by hand: {}", e.note),
        (None, true, Some(by), Some(at)) => format!("ticked by {by} on {}", at.format("%Y-%m-%d %H:%M")),
        (None, false, Some(by), Some(at)) => format!("reopened by {by} on {}", at.format("%Y-%m-%d %H:%M")),
        _ => "ticked by hand (space); nobody has yet".to_string(),
    };
    let mut out = e.label.clone();
    if let Some(o) = e.owner.as_deref().filter(|v| !v.is_empty()) {
        out.push_str(&format!(" · owner {o}"));
    }
    if let Some(d) = e.due {
        out.push_str(&format!(" · due {d}"));
    }
    out.push_str(&format!(" · {state}"));
    if let Some(ev) = e.evidence.as_deref().filter(|v| !v.is_empty()) {
        out.push_str(&format!(" · evidence: {ev}"));
    }
    out
}

/// The customer open in the detail, its checklist and the selected item (with the warning why not).
fn selected(s: &mut State) -> Option<(String, OnboardingEntry)> {
    let Some(d) = s.panes.customers.detail.as_ref() else {
        s.warn("open a customer (Enter) to work on its onboarding checklist");
        return None;
    };
    if d.focus != ViewKey::Onboarding {
        s.warn("this works on the onboarding checklist (v switches lists)");
        return None;
    }
    let code = d.code.clone();
    let entries = d.data.ready().map(|x| x.onboarding.clone()).unwrap_or_default();
    let item = s.selected_id(ViewKey::Onboarding)?;
    entries.into_iter().find(|e| e.item == item).map(|e| (code, e))
}

/// `space`: tick / untick a hand-ticked item (operator). Computed items are refused here, saying why.
pub fn tick(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some((customer, e)) = selected(s) else { return Vec::new() };
    if e.computed.is_some() {
        s.warn(format!("{} is computed from the data, never ticked by hand: {}", e.label, e.note));
        return Vec::new();
    }
    write(s, PaneWrite::Customers(Write::Tick { customer, item: e.item, done: !e.done }))
}

/// `e`: owner, due date and evidence of the selected item (operator).
pub fn edit(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.write_refusal() {
        s.warn(why);
        return Vec::new();
    }
    let Some((customer, e)) = selected(s) else { return Vec::new() };
    let current = vec![
        e.owner.clone().unwrap_or_default(),
        e.due.map(|d| d.to_string()).unwrap_or_default(),
        e.evidence.clone().unwrap_or_default(),
    ];
    let fields = EditForm::FIELDS.iter().zip(&current).map(|(n, v)| Field::new(n, v, Complete::None)).collect();
    let how = if e.computed.is_some() { "computed" } else { "ticked by hand" };
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::Onboarding { customer: customer.clone(), item: e.item.clone(), current }),
        format!("{customer}: {} ({how}) — due YYYY-MM-DD, empty clears", e.label),
        fields,
    ));
    Vec::new()
}

/// `a`: a new hand-ticked item at the end of every customer's checklist (manager).
pub fn add_item(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(format!("{why}: the checklist's items are the managers'"));
        return Vec::new();
    }
    if selected(s).is_none() && s.panes.customers.detail.as_ref().is_none_or(|d| d.focus != ViewKey::Onboarding) {
        return Vec::new();
    }
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::AddItem),
        "new onboarding item for every customer (hand-ticked; key: letters, digits, _)",
        vec![Field::new(AddItemForm::ITEM, "", Complete::None), Field::new(AddItemForm::LABEL, "", Complete::None)],
    ));
    Vec::new()
}

/// `X`: retire the selected item from every customer's checklist, confirmed (manager).
pub fn retire(s: &mut State) -> Vec<Effect> {
    if let Some(why) = s.approve_refusal() {
        s.warn(format!("{why}: the checklist's items are the managers'"));
        return Vec::new();
    }
    let Some((_, e)) = selected(s) else { return Vec::new() };
    s.mode = Mode::Form(Form::new(
        FormKind::Customers(Kind::RetireItem { item: e.item.clone() }),
        format!(
            "retire {:?} from EVERY customer's checklist? it cannot be added back under the same key; \
             its history stays. enter confirms, esc cancels",
            e.label
        ),
        Vec::new(),
    ));
    Vec::new()
}

/// The edit form, read by field name: only what changed is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditForm {
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub evidence: String,
}

impl EditForm {
    pub const OWNER: &'static str = "owner";
    pub const DUE: &'static str = "due";
    pub const EVIDENCE: &'static str = "evidence";
    pub const FIELDS: [&'static str; 3] = [Self::OWNER, Self::DUE, Self::EVIDENCE];

    pub fn read(f: &Form) -> Result<EditForm, FieldError> {
        let owner = f.get(Self::OWNER);
        if !owner.is_empty() {
            Name::new("owner", &owner).map_err(|e| FieldError::at(Self::OWNER, e.to_string()))?;
        }
        let due_text = f.get(Self::DUE);
        let due = if due_text.is_empty() {
            None
        } else {
            Some(parse_date(&due_text, Self::DUE).map_err(|e| FieldError::at(Self::DUE, e))?)
        };
        let evidence = f.get(Self::EVIDENCE);
        FreeText::new("evidence", &evidence).map_err(|e| FieldError::at(Self::EVIDENCE, e.to_string()))?;
        Ok(EditForm { owner, due, evidence })
    }

    /// The update for what differs from `current` (owner, due, evidence as the form showed them).
    pub fn update(&self, current: &[String]) -> OnboardingUpdate {
        let was = |i: usize| current.get(i).map(String::as_str).unwrap_or_default();
        let due_text = self.due.map(|d| d.to_string()).unwrap_or_default();
        OnboardingUpdate {
            done: None,
            owner: (self.owner != was(0)).then(|| self.owner.clone()),
            due: (due_text != was(1)).then_some(self.due),
            evidence: (self.evidence != was(2)).then(|| self.evidence.clone()),
        }
    }
}

/// A new item: its key and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddItemForm {
    pub item: String,
    pub label: String,
}

impl AddItemForm {
    pub const ITEM: &'static str = "item key";
    pub const LABEL: &'static str = "label";

    pub fn read(f: &Form) -> Result<AddItemForm, FieldError> {
        let item = f.get(Self::ITEM);
        if item.is_empty() {
            return Err(FieldError::at(Self::ITEM, "item key: required (e.g. tax_exemption_form)"));
        }
        Code::new("item", &item).map_err(|e| FieldError::at(Self::ITEM, e.to_string()))?;
        let label = f.get(Self::LABEL);
        if label.is_empty() {
            return Err(FieldError::at(Self::LABEL, "label: required (what the item is, in words)"));
        }
        Name::new("label", &label).map_err(|e| FieldError::at(Self::LABEL, e.to_string()))?;
        Ok(AddItemForm { item, label })
    }
}

/// Submit one of the checklist's forms.
pub fn submit(s: &mut State, k: &Kind, f: &Form) -> Result<Vec<Effect>, FieldError> {
    let w = match k {
        Kind::Onboarding { customer, item, current } => {
            let form = EditForm::read(f)?;
            let update = form.update(current);
            if update == OnboardingUpdate::default() {
                s.info(format!("{customer}: {item} unchanged"));
                return Ok(Vec::new());
            }
            Write::Onboarding { customer: customer.clone(), item: item.clone(), update }
        }
        Kind::AddItem => {
            let form = AddItemForm::read(f)?;
            Write::AddItem { item: form.item, label: form.label }
        }
        Kind::RetireItem { item } => Write::RetireItem { item: item.clone() },
        _ => return Ok(Vec::new()),
    };
    Ok(write(s, PaneWrite::Customers(w)))
}
