//! Sales channels wharf connects to. Each channel module is the only place that knows its wire format.

pub mod bigcommerce;
