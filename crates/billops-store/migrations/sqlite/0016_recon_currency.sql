-- The tie-out per currency (issue 13). Kept in lockstep with the other backend.
--
-- 1. The supplier cost behind each invoice is kept per payer AND currency (the cost's own currency, before any
--    FX conversion of the invoice): the tie-out compares figures of one currency only. Rows written before this
--    migration were all in their invoice's currency (drafts were single-currency), so they take it.
CREATE TABLE invoice_payer_costs_0016 (
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    payer       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    cost_int INTEGER NOT NULL, cost_e9 INTEGER NOT NULL, cost_e18 INTEGER NOT NULL, cost_e28 INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, payer, currency)
);
INSERT INTO invoice_payer_costs_0016 SELECT c.invoice_id, c.payer, i.currency, c.cost_int, c.cost_e9, c.cost_e18,
    c.cost_e28 FROM invoice_payer_costs c JOIN invoices i ON i.id = c.invoice_id;
DROP TABLE invoice_payer_costs;
ALTER TABLE invoice_payer_costs_0016 RENAME TO invoice_payer_costs;

-- 2. A reconciliation case explains one payer's residual in one currency. Earlier cases take the currency of
--    their payer's supplier invoice for the period, else USD (the one currency billops assumed before 0015).
ALTER TABLE recon_cases ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
UPDATE recon_cases SET currency = COALESCE((SELECT min(s.currency) FROM supplier_invoices s
    WHERE s.payer = recon_cases.payer AND s.period = recon_cases.period), 'USD');
DROP INDEX recon_cases_one_open;
CREATE UNIQUE INDEX recon_cases_one_open ON recon_cases (payer, period, currency)
    WHERE status IN ('open', 'waiting_credit_note');
