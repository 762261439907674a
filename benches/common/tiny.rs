//! A tiny generated store for the benches' smoke runs (`cargo test --benches`): the drill bench's generator and
//! account mapping, imported in-process into a SQLite file under `dir`.
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use billops::ingest::{self, FileReport};
use billops_gen::{BenchSpec, FileFormat};
use billops_store::{Actor, NewCustomer, Store};

/// Each bench reads the fields it needs.
#[allow(dead_code)]
pub struct Tiny {
    pub store: Arc<dyn Store>,
    pub url: String,
    /// Linked account → the customer it is assigned to.
    pub owner: BTreeMap<String, String>,
    pub by: Actor,
}

/// 3,000 rows over 12 accounts of 4 customers, every account assigned.
pub async fn store(dir: &Path) -> Tiny {
    let spec = BenchSpec { accounts: 12, customers: 4, ..BenchSpec::new(FileFormat::Cur, 3_000, 1) };
    let file = dir.join("tiny.csv");
    billops_gen::write_bench_spec(&spec, &mut std::fs::File::create(&file).unwrap()).unwrap();
    let map = dir.join("map");
    billops_gen::write_bench_mapping(&spec, &map).unwrap();
    let url = format!("sqlite:{}", dir.join("tiny.db").display());
    let store = billops_store::open(&url).await.unwrap();
    let by = Actor { name: "bench".into(), at: chrono::Utc::now() };
    for rec in csv::Reader::from_path(map.join("customers.csv")).unwrap().records() {
        let rec = rec.unwrap();
        let c = NewCustomer { code: rec[0].to_string(), name: rec[1].to_string(), currency: rec[2].to_string() };
        store.add_customer(&c, &by).await.unwrap();
    }
    let reports =
        ingest::import_paths(store.clone(), vec![file], Default::default(), by.clone(), Arc::new(|_| {})).await;
    for rep in &reports {
        assert!(matches!(rep, FileReport::Imported { .. }), "tiny import: {}", ingest::describe(rep));
    }
    let mut owner = BTreeMap::new();
    for rec in csv::Reader::from_path(map.join("accounts.csv")).unwrap().records() {
        let rec = rec.unwrap();
        let from = chrono::NaiveDate::parse_from_str(&rec[4], "%Y-%m-%d").unwrap();
        store.assign_account(&rec[0], &rec[3], from, &by).await.unwrap();
        owner.insert(rec[0].to_string(), rec[3].to_string());
    }
    Tiny { store, url, owner, by }
}
