//! `wharf store add | connect | list`: the same flow from a terminal.

use std::process::Output;

use crate::helpers::{STORE_HASH, TestApp, spawn_app};

pub(crate) async fn wharf(app: &TestApp, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_wharf"));
    command
        .args(args)
        .env("WHARF_DATABASE_URL", &app.settings.database_url)
        .env("WHARF_SECRET_KEY_FILE", app.dir.path().join("wharf.key"))
        .env("WHARF_BIGCOMMERCE_API_BASE", &app.sim.base_url)
        .env_remove("WHARF_SECRET_KEY")
        .env_remove("WHARF_ACCESS_TOKEN")
        .env_remove("WHARF_CLIENT_SECRET");
    command.output().await.expect("the wharf binary runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_store_added_from_the_cli_connects_green() {
    let app = spawn_app().await;
    let api_path = format!("https://api.bigcommerce.com/stores/{STORE_HASH}/v3/");
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Terminal store",
            "--store-url",
            &app.store_spec.domain,
            "--api-path",
            &api_path,
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            &app.access_token,
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));

    let connected = wharf(&app, &["store", "connect", "Terminal store"]).await;
    assert_eq!(connected.status.code(), Some(0), "{}", text(&connected));
    assert!(text(&connected).contains("Connected"));

    let listed = wharf(&app, &["store", "list"]).await;
    assert!(listed.status.success());
    let listing = text(&listed);
    assert!(
        listing.contains("Terminal store")
            && listing.contains(STORE_HASH)
            && listing.contains("Connected"),
        "{listing}"
    );
    assert!(!listing.contains(&app.access_token));

    // The UI and API see the same store: one code path.
    let stores = app.app.list_stores().await.unwrap();
    assert_eq!(stores.len(), 1);
    assert!(stores[0].is_connected());
}

#[tokio::test]
async fn a_store_hash_added_again_from_the_cli_is_refused_naming_the_store_that_has_it() {
    let app = spawn_app().await;
    app.add_store(&app.store_input("Main")).await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Terminal twin",
            "--store-url",
            &app.store_spec.domain,
            "--store-hash",
            &STORE_HASH.to_uppercase(),
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            &app.access_token,
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(2), "{}", text(&added));
    let expected = format!("--store-hash: Store hash {STORE_HASH} is already used by store “Main”");
    assert!(text(&added).contains(&expected), "{}", text(&added));
    assert_eq!(app.app.list_stores().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_connect_exits_non_zero_with_the_reasons() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Bad token",
            "--store-url",
            &app.store_spec.domain,
            "--store-hash",
            STORE_HASH,
            "--client-id",
            "cid",
            "--client-secret",
            "csecret",
            "--access-token",
            "wrong-token",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));
    let connected = wharf(&app, &["store", "connect", "Bad token"]).await;
    assert_eq!(connected.status.code(), Some(1), "{}", text(&connected));
    assert!(
        text(&connected).contains("Access token rejected by BigCommerce"),
        "{}",
        text(&connected)
    );
}

#[tokio::test]
async fn invalid_cli_input_names_the_flag_and_saves_nothing() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "store",
            "add",
            "--name",
            "Broken",
            "--store-url",
            "http://insecure.example.com",
            "--api-path",
            "https://api.bigcommerce.com/stores/abc/v2/",
            "--client-id",
            "cid",
            "--client-secret",
            "s",
            "--access-token",
            "t",
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(2), "{}", text(&added));
    let output = text(&added);
    assert!(
        output.contains("--store-url") && output.contains("--api-path"),
        "{output}"
    );
    assert!(app.app.list_stores().await.unwrap().is_empty());

    let unknown = wharf(&app, &["store", "connect", "Nope"]).await;
    assert_ne!(unknown.status.code(), Some(0));
    assert!(text(&unknown).contains("Nope"));
}

#[tokio::test]
async fn products_import_from_the_cli_runs_to_completion() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(260, 2);
    let imported = wharf(&app, &["products", "import", "Main store"]).await;
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    let output = text(&imported);
    assert!(
        output.contains("completed") && output.contains("260 products"),
        "{output}"
    );
    assert!(
        output.contains(&format!("{} variants", seeded.variant_count)),
        "{output}"
    );
    let run = app.app.latest_import(store_id).await.unwrap().unwrap();
    assert_eq!(run.run.counts.pages_done, 2);

    let unknown = wharf(&app, &["products", "import", "No such store"]).await;
    assert_ne!(unknown.status.code(), Some(0));
}

#[tokio::test]
async fn vendors_are_added_and_edited_from_the_cli() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "vendor",
            "add",
            "--name",
            "Acme Supply",
            "--email",
            "ops@acme.example",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));
    let output = text(&added);
    let token = output
        .split_whitespace()
        .find(|w| w.starts_with("whv_"))
        .expect("the token is printed once");
    assert!(app.app.vendor_for_token(token).await.unwrap().is_some());

    let edited = wharf(
        &app,
        &["vendor", "edit", "acme supply", "--name", "Acme Wholesale"],
    )
    .await;
    assert!(edited.status.success(), "{}", text(&edited));
    let listed = text(&wharf(&app, &["vendor", "list"]).await);
    assert!(
        listed.contains("Acme Wholesale")
            && listed.contains("ops@acme.example")
            && !listed.contains(token),
        "{listed}"
    );

    let invalid = wharf(
        &app,
        &["vendor", "edit", "Acme Wholesale", "--email", "nope"],
    )
    .await;
    assert_eq!(invalid.status.code(), Some(2), "{}", text(&invalid));
}

#[tokio::test]
async fn routed_statuses_are_chosen_from_the_cli() {
    let app = spawn_app().await;
    app.connected_store().await;
    let set = wharf(
        &app,
        &["store", "routing", "Main store", "--statuses", "9,11,7"],
    )
    .await;
    assert!(set.status.success(), "{}", text(&set));
    assert_eq!(
        app.app.list_stores().await.unwrap()[0].routed_status_ids,
        vec![9, 11, 7]
    );
    let refused = wharf(&app, &["store", "routing", "Main store", "--statuses", "0"]).await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("Incomplete"));
}

#[tokio::test]
async fn assignment_rules_are_added_from_the_cli() {
    let app = spawn_app().await;
    app.connected_store().await;
    let added = wharf(&app, &["vendor", "add", "--name", "Acme Supply"]).await;
    assert!(added.status.success());
    let assigned = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--default",
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(assigned.status.success(), "{}", text(&assigned));
    let store_id = app.app.list_stores().await.unwrap()[0].id;
    let rules = wharf::db::assignments::routing_rules(&app.app.db, store_id)
        .await
        .unwrap();
    assert!(matches!(
        rules.default,
        wharf::domain::routing::DefaultPolicy::Vendor(_)
    ));

    let brand = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--brand",
            "Acme",
            "--vendor",
            "Nobody",
        ],
    )
    .await;
    assert_eq!(brand.status.code(), Some(2), "{}", text(&brand));
    assert!(text(&brand).contains("Nobody"));
    let no_rule = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(!no_rule.status.success());
}

/// The binary with only these arguments: for help, which needs no database.
async fn wharf_alone(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .output()
        .await
        .expect("the wharf binary runs")
}

async fn help_of(command: &[&str]) -> String {
    let mut args = command.to_vec();
    args.push("--help");
    let output = wharf_alone(&args).await;
    assert!(output.status.success(), "{command:?}: {}", text(&output));
    String::from_utf8(output.stdout).unwrap()
}

/// The flags and arguments a help page lists, each with its description: the text beside it
/// or under it, without clap's `[default: …]`, `[env: …]` and possible-values notes.
fn described_arguments(help: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut in_arguments = false;
    for line in help.lines() {
        if !line.starts_with(' ') {
            // A heading: "Options:", "Arguments:", a group's own heading, or "Commands:".
            in_arguments = line.ends_with(':') && line != "Commands:";
            continue;
        }
        if !in_arguments || line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        let starts_entry = indent <= 6 && matches!(trimmed.chars().next(), Some('-' | '<' | '['));
        if starts_entry {
            let (spec, rest) = trimmed.split_once("  ").unwrap_or((trimmed, ""));
            entries.push((spec.to_owned(), rest.trim().to_owned()));
        } else if let Some((_, description)) = entries.last_mut() {
            description.push(' ');
            description.push_str(trimmed);
        }
    }
    entries
        .into_iter()
        .map(|(spec, description)| (spec, without_clap_notes(&description)))
        .collect()
}

fn without_clap_notes(description: &str) -> String {
    let mut text = description.to_owned();
    for note in ["[env:", "[default:", "[possible values:", "[aliases:"] {
        while let Some(start) = text.find(note) {
            let end = text[start..]
                .find(']')
                .map_or(text.len(), |end| start + end + 1);
            text.replace_range(start..end, "");
        }
    }
    if let Some(start) = text.find("Possible values:") {
        text.truncate(start);
    }
    text.trim().to_owned()
}

/// The subcommands a help page lists under "Commands:", but `help`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

const SERVER_FLAGS: &[&str] = &[
    "--listen",
    "--job-concurrency",
    "--store-job-concurrency",
    "--job-lease-secs",
    "--order-poll-secs",
    "--api-quota-share",
    "--feed-allow-private",
    "--public-url",
    "--shutdown-grace-secs",
];

#[tokio::test]
async fn store_add_help_lists_the_stores_flags_and_leaves_the_servers_to_serve() {
    let store_add = help_of(&["store", "add"]).await;
    for flag in SERVER_FLAGS {
        assert!(
            !store_add.contains(flag),
            "{flag} in store add --help:\n{store_add}"
        );
    }
    for flag in [
        "--name",
        "--store-hash",
        "--api-path",
        "--access-token",
        "--database-url",
    ] {
        assert!(store_add.contains(flag), "{flag} missing:\n{store_add}");
    }
    let serve = help_of(&["serve"]).await;
    for flag in SERVER_FLAGS {
        assert!(
            serve.contains(flag),
            "{flag} missing from serve --help:\n{serve}"
        );
    }
    let worker = help_of(&["worker"]).await;
    assert!(
        worker.contains("--job-concurrency") && worker.contains("--api-quota-share"),
        "{worker}"
    );
}

#[tokio::test]
async fn every_flag_and_argument_of_every_command_has_a_description() {
    let mut undescribed = Vec::new();
    let mut commands: Vec<Vec<String>> = vec![Vec::new()];
    let mut checked = 0;
    while let Some(command) = commands.pop() {
        let args: Vec<&str> = command.iter().map(String::as_str).collect();
        let help = help_of(&args).await;
        for (flag, description) in described_arguments(&help) {
            checked += 1;
            if description.is_empty() {
                undescribed.push(format!("wharf {} {flag}", command.join(" ")));
            }
        }
        for sub in subcommands(&help) {
            commands.push(command.iter().cloned().chain([sub]).collect());
        }
    }
    assert!(
        checked > 100,
        "the help pages were read: {checked} arguments"
    );
    assert!(undescribed.is_empty(), "no description: {undescribed:#?}");
}

#[tokio::test]
async fn auth_type_lists_its_values_and_refuses_others_by_them() {
    let help = help_of(&["store", "add"]).await;
    assert!(
        help.contains("Possible values") && help.contains("private") && help.contains("app_oauth"),
        "{help}"
    );
    let refused = wharf_alone(&[
        "store",
        "add",
        "--name",
        "N",
        "--store-url",
        "n.example.com",
        "--store-hash",
        "abc123",
        "--client-id",
        "c",
        "--client-secret",
        "s",
        "--access-token",
        "t",
        "--auth-type",
        "token",
    ])
    .await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        text(&refused).contains("private, app_oauth"),
        "{}",
        text(&refused)
    );
}

#[tokio::test]
async fn a_store_added_without_its_api_path_is_told_the_store_hash_will_do() {
    let refused = wharf_alone(&[
        "store",
        "add",
        "--name",
        "N",
        "--store-url",
        "n.example.com",
        "--client-id",
        "c",
        "--client-secret",
        "s",
        "--access-token",
        "t",
    ])
    .await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let error = String::from_utf8_lossy(&refused.stderr);
    let first_lines: String = error.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(
        first_lines.contains("--api-path") && first_lines.contains("--store-hash"),
        "{error}"
    );
}

#[tokio::test]
async fn server_settings_reach_every_command_from_the_environment_but_are_flags_of_serve_only() {
    let app = spawn_app().await;
    assert!(
        wharf(&app, &["vendor", "add", "--name", "Acme"])
            .await
            .status
            .success()
    );
    let private_feed = "http://127.0.0.1:9/stock.csv";
    let refused = wharf(
        &app,
        &["inventory", "feed-add", private_feed, "--vendor", "Acme"],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));

    let as_flag = wharf(
        &app,
        &[
            "inventory",
            "feed-add",
            private_feed,
            "--vendor",
            "Acme",
            "--feed-allow-private",
        ],
    )
    .await;
    assert_eq!(as_flag.status.code(), Some(2), "{}", text(&as_flag));
    assert!(
        text(&as_flag).contains("unexpected argument"),
        "{}",
        text(&as_flag)
    );

    let mut from_environment = tokio::process::Command::new(env!("CARGO_BIN_EXE_wharf"));
    from_environment
        .args(["inventory", "feed-add", private_feed, "--vendor", "Acme"])
        .env("WHARF_DATABASE_URL", &app.settings.database_url)
        .env("WHARF_SECRET_KEY_FILE", app.dir.path().join("wharf.key"))
        .env("WHARF_FEED_ALLOW_PRIVATE", "true")
        .env_remove("WHARF_SECRET_KEY");
    let added = from_environment.output().await.unwrap();
    assert!(added.status.success(), "{}", text(&added));
    assert_eq!(app.app.feeds(None).await.unwrap().len(), 1);
}

fn stdout_json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", text(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[tokio::test]
async fn store_list_has_a_header_row_and_every_listing_prints_json_for_scripts() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    assert!(
        wharf(&app, &["vendor", "add", "--name", "Acme Supply"])
            .await
            .status
            .success()
    );
    let feed = wharf(
        &app,
        &[
            "inventory",
            "feed-add",
            "https://feeds.example.com/s.csv",
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(feed.status.success(), "{}", text(&feed));

    let listed = wharf(&app, &["store", "list"]).await;
    assert!(listed.status.success());
    let listing = String::from_utf8_lossy(&listed.stdout);
    let header: Vec<&str> = listing.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["ID", "NAME", "URL", "HASH", "STATUS", "CHECKED"],
        "{listing}"
    );
    assert!(
        listing.lines().nth(1).unwrap().contains("Main store"),
        "{listing}"
    );

    let stores = stdout_json(&wharf(&app, &["store", "list", "--json"]).await);
    assert_eq!(stores[0]["id"], store_id);
    assert_eq!(stores[0]["name"], "Main store");
    assert_eq!(stores[0]["store_hash"], STORE_HASH);
    assert_eq!(stores[0]["connection"]["status"], "connected");
    assert_eq!(stores[0]["disabled"], false);
    assert_ne!(stores[0]["access_token"], app.access_token.as_str());

    let vendors = stdout_json(&wharf(&app, &["vendor", "list", "--json"]).await);
    assert_eq!(vendors[0]["name"], "Acme Supply");
    assert_eq!(vendors[0]["active"], true);
    assert!(vendors[0]["id"].is_i64());
    let vendor_listing = text(&wharf(&app, &["vendor", "list"]).await);
    assert!(vendor_listing.starts_with("ID"), "{vendor_listing}");

    let rules = stdout_json(&wharf(&app, &["assignments", "list", "Main store", "--json"]).await);
    assert!(rules.is_array(), "{rules}");

    let feeds = stdout_json(&wharf(&app, &["inventory", "feeds", "--json"]).await);
    assert_eq!(feeds[0]["url_shown"], "https://feeds.example.com/s.csv");
    assert_eq!(feeds[0]["vendor_id"], vendors[0]["id"]);

    let variants = stdout_json(&wharf(&app, &["products", "list", "--json"]).await);
    assert_eq!(variants, serde_json::json!([]));
}

#[tokio::test]
async fn products_are_listed_with_their_vendor_and_filtered_by_text_vendor_and_no_vendor() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let variant_count = app.seed_catalog(4, 2).variant_count;
    app.import_all(store_id).await;
    let all = stdout_json(
        &wharf(
            &app,
            &["products", "list", "--store", "Main store", "--json"],
        )
        .await,
    );
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), variant_count, "{all:#?}");
    let sku = all
        .iter()
        .find_map(|v| v["variant_sku"].as_str().filter(|sku| !sku.is_empty()))
        .expect("a variant with a SKU")
        .to_owned();
    assert!(
        wharf(&app, &["vendor", "add", "--name", "Acme Supply"])
            .await
            .status
            .success()
    );
    let assigned = wharf(
        &app,
        &[
            "assignments",
            "add",
            "Main store",
            "--sku",
            &sku,
            "--vendor",
            "Acme Supply",
        ],
    )
    .await;
    assert!(assigned.status.success(), "{}", text(&assigned));

    let listed = wharf(&app, &["products", "list", "--store", "Main store"]).await;
    let listing = String::from_utf8_lossy(&listed.stdout);
    let header: Vec<&str> = listing.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["SKU", "NAME", "VENDOR"], "{listing}");
    assert_eq!(listing.lines().count(), variant_count + 1, "{listing}");
    let routed = listing.lines().find(|line| line.starts_with(&sku)).unwrap();
    assert!(routed.ends_with("Acme Supply"), "{listing}");

    let by_text = stdout_json(&wharf(&app, &["products", "list", "--q", &sku, "--json"]).await);
    assert!(
        by_text
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["variant_sku"].as_str().unwrap().contains(&sku)),
        "{by_text:#}"
    );
    let by_vendor = stdout_json(
        &wharf(
            &app,
            &["products", "list", "--vendor", "Acme Supply", "--json"],
        )
        .await,
    );
    assert_eq!(by_vendor.as_array().unwrap().len(), 1, "{by_vendor:#}");
    assert_eq!(by_vendor[0]["variant_sku"], sku.as_str());
    assert_eq!(by_vendor[0]["vendor"], "Acme Supply");
    assert!(by_vendor[0]["product_name"].is_string());
    let unrouted = stdout_json(&wharf(&app, &["products", "list", "--no-vendor", "--json"]).await);
    assert_eq!(
        unrouted.as_array().unwrap().len(),
        variant_count - 1,
        "{unrouted:#}"
    );
    assert!(
        unrouted
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["vendor"].is_null())
    );

    let limited = wharf(&app, &["products", "list", "--limit", "3"]).await;
    assert_eq!(String::from_utf8_lossy(&limited.stdout).lines().count(), 4);
    let more = format!("…and {} more", variant_count - 3);
    assert!(text(&limited).contains(&more), "{}", text(&limited));
    let both = wharf(
        &app,
        &["products", "list", "--vendor", "Acme Supply", "--no-vendor"],
    )
    .await;
    assert_eq!(both.status.code(), Some(2), "{}", text(&both));
    let nobody = wharf(&app, &["products", "list", "--vendor", "Nobody"]).await;
    assert_ne!(nobody.status.code(), Some(0));
    assert!(text(&nobody).contains("Nobody"), "{}", text(&nobody));
}

#[tokio::test]
async fn an_import_summary_that_cuts_its_issues_says_how_many_more_and_where_to_read_them() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    // About one product in twenty has a blank or duplicate SKU.
    app.seed_catalog(700, 2);
    let imported = wharf(&app, &["products", "import", "Main store"]).await;
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    let issues = app
        .app
        .latest_import(store_id)
        .await
        .unwrap()
        .unwrap()
        .issue_count;
    assert!(
        issues > 20,
        "the seeded catalog has more issues than a summary lists: {issues}"
    );
    let expected = format!(
        "  …and {} more (see the store's page at /setup/integrations/bigcommerce/stores/{store_id} \
         or `wharf products issues \"Main store\"`)",
        issues - 20
    );
    let output = String::from_utf8_lossy(&imported.stdout);
    assert!(
        output.lines().any(|line| line == expected),
        "{expected}\nnot in\n{output}"
    );

    let listed = wharf(&app, &["products", "issues", "Main store"]).await;
    assert!(listed.status.success(), "{}", text(&listed));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).lines().count() as i64,
        issues + 1,
        "a header and every issue"
    );
    let json = stdout_json(&wharf(&app, &["products", "issues", "Main store", "--json"]).await);
    assert_eq!(json.as_array().unwrap().len() as i64, issues);
    assert!(json[0]["kind"].is_string() && json[0]["message"].is_string());
    assert!(json[0]["product_external_id"].is_i64());
}

#[tokio::test]
async fn mail_settings_are_set_from_the_cli() {
    let app = spawn_app().await;
    let added = wharf(
        &app,
        &[
            "vendor",
            "add",
            "--name",
            "Alpha Supply",
            "--email",
            "ops@alpha.example",
        ],
    )
    .await;
    assert!(added.status.success(), "{}", text(&added));
    let hourly = wharf(&app, &["mail", "schedule", "Alpha Supply", "hourly"]).await;
    assert!(hourly.status.success(), "{}", text(&hourly));
    assert!(
        text(&hourly).contains("An hourly digest"),
        "{}",
        text(&hourly)
    );
    let weekly = wharf(&app, &["mail", "schedule", "Alpha Supply", "weekly"]).await;
    assert_eq!(weekly.status.code(), Some(2), "{}", text(&weekly));
    assert!(text(&weekly).contains("mail_schedule"), "{}", text(&weekly));
    let teal = wharf(
        &app,
        &["mail", "branding", "--name", "Trail Co", "--accent", "teal"],
    )
    .await;
    assert_eq!(teal.status.code(), Some(2));
    assert!(text(&teal).contains("accent"), "{}", text(&teal));
    assert_eq!(
        app.app.branding().await.unwrap().name,
        "Your store",
        "nothing half-written"
    );
    let branded = wharf(
        &app,
        &[
            "mail", "branding", "--name", "Trail Co", "--accent", "#0F766E",
        ],
    )
    .await;
    assert!(branded.status.success(), "{}", text(&branded));
    assert_eq!(app.app.branding().await.unwrap().accent, "#0f766e");
    let operator = wharf(&app, &["mail", "operator", "--email", "team@trail.example"]).await;
    assert!(operator.status.success(), "{}", text(&operator));
    assert_eq!(
        app.app.operator_mail_to().await.unwrap().as_deref(),
        Some("team@trail.example")
    );
}
