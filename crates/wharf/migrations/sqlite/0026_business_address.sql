-- The merchant's business address (issue 19): the billing address on the orders wharf creates
-- in a vendor's own BigCommerce store, where the vendor sees the merchant as the buyer.
-- Every column is optional; the company defaults to the branding name and the e-mail to the
-- support address (in the code, like the rest of the branding's defaults).
ALTER TABLE branding ADD COLUMN address_company TEXT;
ALTER TABLE branding ADD COLUMN address_street_1 TEXT;
ALTER TABLE branding ADD COLUMN address_street_2 TEXT;
ALTER TABLE branding ADD COLUMN address_city TEXT;
ALTER TABLE branding ADD COLUMN address_state TEXT;
ALTER TABLE branding ADD COLUMN address_postcode TEXT;
-- ISO 3166-1 alpha-2, upper case.
ALTER TABLE branding ADD COLUMN address_country_iso2 TEXT;
ALTER TABLE branding ADD COLUMN address_phone TEXT;
ALTER TABLE branding ADD COLUMN address_email TEXT;
