//! wharf: a self-hosted dropship and marketplace hub for BigCommerce stores.
//! ARCHITECTURE.md at the repository root maps the modules and their invariants.

pub mod app;
pub mod channels;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod feeds;
pub mod jobs;
pub mod metrics;
pub mod secrets;
pub mod smtp;
pub mod startup;
pub mod telemetry;
pub mod web;
