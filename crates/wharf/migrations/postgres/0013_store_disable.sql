-- A disabled store keeps its history but talks to BigCommerce no more: set when the operator
-- disables it, cleared when they enable it again.
ALTER TABLE stores ADD COLUMN disabled_at BIGINT;
