-- The tie-out per currency (issue 13). Kept in lockstep with the other backend.
--
-- 1. The supplier cost behind each invoice is kept per payer AND currency (the cost's own currency, before any
--    FX conversion of the invoice): the tie-out compares figures of one currency only. Rows written before this
--    migration were all in their invoice's currency (drafts were single-currency), so they take it.
ALTER TABLE invoice_payer_costs ADD COLUMN currency TEXT;
UPDATE invoice_payer_costs c SET currency = i.currency FROM invoices i WHERE i.id = c.invoice_id;
ALTER TABLE invoice_payer_costs ALTER COLUMN currency SET NOT NULL;
ALTER TABLE invoice_payer_costs DROP CONSTRAINT invoice_payer_costs_pkey;
ALTER TABLE invoice_payer_costs ADD PRIMARY KEY (invoice_id, payer, currency);

-- 2. A reconciliation case explains one payer's residual in one currency. Earlier cases take the currency of
--    their payer's supplier invoice for the period, else USD (the one currency billops assumed before 0015).
ALTER TABLE recon_cases ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
UPDATE recon_cases SET currency = COALESCE((SELECT min(s.currency) FROM supplier_invoices s
    WHERE s.payer = recon_cases.payer AND s.period = recon_cases.period), 'USD');
DROP INDEX recon_cases_one_open;
CREATE UNIQUE INDEX recon_cases_one_open ON recon_cases (payer, period, currency)
    WHERE status IN ('open', 'waiting_credit_note');
