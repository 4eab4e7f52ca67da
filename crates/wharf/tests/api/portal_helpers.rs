//! Vendor users for portal tests: made through `App::create_vendor_user` (what invitations
//! build on), then signed in through `/vendor/login` like a person, as a `reqwest` cookie or
//! in the browser.

use fantoccini::{Client, Locator};
use secrecy::SecretString;
use wharf::domain::vendor::VendorInput;
use wharf::domain::vendor_user::VendorUserInput;

use crate::browser::Step;
use crate::helpers::TestApp;

pub const VENDOR_PASSWORD: &str = "vendor-password-1";

/// A vendor user signed in to the portal.
pub struct PortalLogin {
    pub vendor_id: i64,
    pub user_id: i64,
    pub email: String,
    pub password: String,
    /// `portal_session=…`, as the browser sends it back.
    pub cookie: String,
}

/// A new vendor named `vendor` with one user (`email`), signed in.
pub async fn vendor_with_user(app: &TestApp, vendor: &str, email: &str) -> PortalLogin {
    let vendor_id = app
        .app
        .add_vendor(&VendorInput {
            name: vendor.into(),
            email: String::new(),
        })
        .await
        .expect("vendor added")
        .vendor
        .id;
    portal_user(app, vendor_id, email).await
}

/// A new user of `vendor_id` with [`VENDOR_PASSWORD`], signed in.
pub async fn portal_user(app: &TestApp, vendor_id: i64, email: &str) -> PortalLogin {
    let user = app
        .app
        .create_vendor_user(
            vendor_id,
            &VendorUserInput {
                name: format!("User {email}"),
                email: email.into(),
            },
            &SecretString::from(VENDOR_PASSWORD),
        )
        .await
        .expect("vendor user created");
    let cookie = portal_sign_in(app, email, VENDOR_PASSWORD).await;
    PortalLogin {
        vendor_id,
        user_id: user.id,
        email: email.into(),
        password: VENDOR_PASSWORD.into(),
        cookie,
    }
}

/// Signs in at `/vendor/login`; the session cookie as the browser would send it back.
pub async fn portal_sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let response = app
        .http
        .post(format!("{}/vendor/login", app.address))
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/vendor/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "signing in to the portal");
    session_cookie_of(&response).expect("sign-in sets the portal cookie")
}

/// The `portal_session=…` pair a response sets, if it sets one.
pub fn session_cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portal_session=") && !v.starts_with("portal_session=;"))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

impl PortalLogin {
    pub async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        app.get_page(path, &self.cookie).await
    }

    /// The form token the portal's pages carry for this session.
    pub async fn form_token(&self, app: &TestApp) -> String {
        let page = self.get(app, "/vendor/").await.text().await.unwrap();
        let marker = "name=\"csrf_token\" value=\"";
        let start = page.find(marker).expect("the page carries a form token") + marker.len();
        page[start..start + page[start..].find('"').unwrap()].to_owned()
    }

    /// Posts a portal form with this session and its form token, as the page would.
    pub async fn post(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.form_token(app).await;
        let mut fields = form.to_vec();
        fields.push(("csrf_token", &token));
        app.http
            .post(format!("{}{path}", app.address))
            .header("cookie", &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap()
    }
}

/// Signs a browser in to the portal and waits for the home page.
pub async fn sign_in_browser(app: &TestApp, browser: &Client, email: &str, password: &str) -> Step {
    browser
        .goto(&format!("{}/vendor/login", app.address))
        .await?;
    browser
        .find(Locator::Id("email"))
        .await?
        .send_keys(email)
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    browser.find(Locator::Id("sign-in")).await?.click().await?;
    browser
        .wait()
        .for_element(Locator::Id("vendor-name"))
        .await?;
    Ok(())
}
