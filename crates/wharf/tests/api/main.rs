//! wharf's integration tests: one binary, one harness (`helpers::spawn_app`), real SQLite or
//! PostgreSQL (when WHARF_TEST_POSTGRES_URL is set), real HTTP to the simulator.

mod account;
mod activity;
mod api_errors;
mod architecture;
mod assignment_rules;
mod auth;
mod browser;
mod browser_charts;
mod browser_navigation;
mod charts;
mod cli;
mod cross_site;
mod demo;
mod helpers;
mod inventory;
mod jobs;
mod metrics;
mod openapi;
mod orders;
mod pages;
mod products;
mod quota;
mod real_answers;
mod secrets;
mod security_headers;
mod shipments;
mod sign_in_throttle;
mod store_edit;
mod store_state;
mod stores;
mod vendor_controls;
mod vendor_stock;
mod webhooks;
mod workers;
