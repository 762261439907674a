-- Customer details printed on invoices, credit notes and statements (issue 16): postal address (lines separated
-- by a newline), tax id, purchase-order number, billing e-mail. NULL when not given. The issuer's details are
-- shared settings (issuer.*). Kept in lockstep with the other backend.
ALTER TABLE customers ADD COLUMN address TEXT;
ALTER TABLE customers ADD COLUMN tax_id TEXT;
ALTER TABLE customers ADD COLUMN po_number TEXT;
ALTER TABLE customers ADD COLUMN billing_email TEXT;
