//! `wharf-bench shipment-latency`: shipments recorded through the vendor API at a steady rate,
//! timed to their existing in BigCommerce, and the requests each costs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::Row;

use crate::harness::{BenchWharf, print_requests, serve_with_webhooks, start_simulator};
use crate::measure::{peak_rss, percentile};

pub(crate) async fn bench_shipment_latency(shipments: usize, rate: u32) -> anyhow::Result<()> {
    let sim = start_simulator(200, 3, None, shipments)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, None, Some(address.parse()?)).await?;
    let token = bench.import_and_route_to_one_vendor().await?;
    bench.app.poll_orders(bench.store_id).await?;
    let (stop, serving) = serve_with_webhooks(&bench, listener).await?;

    // One shipment per purchase order, of everything on it, through the vendor API.
    let purchase_orders: Vec<Value> = bench
        .http
        .get(format!("{address}/vendor-api/v1/purchase-orders"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if purchase_orders.len() < shipments {
        bail!(
            "{} purchase orders to ship, {shipments} wanted",
            purchase_orders.len()
        );
    }
    bench.reset_sim_stats().await?;
    println!("recording {shipments} shipments at {rate}/s through the vendor API, webhooks on…");
    let started = Instant::now();
    let mut recorded_at: HashMap<i64, i64> = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut next = Instant::now();
    for (n, po) in purchase_orders.iter().take(shipments).enumerate() {
        tokio::time::sleep_until(next.into()).await;
        next += gap;
        let lines: Vec<Value> = po["lines"]
            .as_array()
            .context("purchase order lines")?
            .iter()
            .map(|l| json!({ "line_id": l["order_line_id"], "quantity": l["quantity"] }))
            .collect();
        let body = json!({ "tracking_number": format!("1ZBENCH{n:08}"), "carrier": "UPS", "lines": lines });
        let t0 = wharf::db::now_ms();
        let shipment: Value = bench
            .http
            .post(format!(
                "{address}/vendor-api/v1/purchase-orders/{}/shipments",
                po["id"]
            ))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        recorded_at.insert(shipment["id"].as_i64().context("shipment id")?, t0);
    }
    // A part turns `created` when BigCommerce's 201 is stored: the shipment existed a moment
    // earlier, so these latencies are upper bounds.
    let deadline = Instant::now() + Duration::from_secs(120);
    let latencies = loop {
        let rows = sqlx::query(
            "SELECT shipment_id, MAX(updated_at) AS created_at FROM shipment_parts
             WHERE state = 'created' GROUP BY shipment_id",
        )
        .fetch_all(bench.app.db.pool())
        .await?;
        let pending: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running')")
                .fetch_one(bench.app.db.pool())
                .await?
                .get("n");
        let done = rows.len() >= shipments && pending == 0;
        if done || Instant::now() > deadline {
            let mut latencies: Vec<i64> = rows
                .iter()
                .filter_map(|r| {
                    recorded_at
                        .get(&r.get::<i64, _>("shipment_id"))
                        .map(|t0| r.get::<i64, _>("created_at") - t0)
                })
                .collect();
            latencies.sort_unstable();
            break latencies;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let elapsed = started.elapsed();
    // The webhook echoes of wharf's own shipments are recognised without a request; give them
    // their delay to arrive and be handled before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stats = bench.sim_stats().await?;
    let _ = stop.send(());
    let _ = serving.await;
    let quantile = |p: f64| percentile(&latencies, p).unwrap_or(-1);
    let total = stats["total"].as_u64().unwrap_or(0);
    println!("shipment latency benchmark (SQLite, webhooks on)");
    println!("  shipments pushed   {} of {shipments}", latencies.len());
    println!(
        "  vendor API call → shipment in BigCommerce   p50 {} ms, p99 {} ms, max {} ms",
        quantile(0.50),
        quantile(0.99),
        latencies.last().copied().unwrap_or(-1)
    );
    print_requests(&stats, None);
    println!(
        "  per shipment       {:.2} requests",
        total as f64 / shipments.max(1) as f64
    );
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    bench.finish().await?;
    if latencies.len() != shipments {
        bail!(
            "{} of {shipments} shipments reached BigCommerce within two minutes",
            latencies.len()
        );
    }
    Ok(())
}
