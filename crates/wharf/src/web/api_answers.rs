//! Answers every operation of both JSON APIs can give for reasons that have nothing to do with
//! the operation itself: a request sent from another site, a body over the size limit, a path or
//! query value of the wrong type. They are added to the OpenAPI documents here, once, rather than
//! in each operation's annotation, so a new operation cannot forget them.

use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

/// Adds the shared answers to every operation that can give them; an operation that already
/// documents one of these statuses keeps its own, more specific description.
pub struct SharedAnswers {
    /// The operator API refuses cross-site requests (a browser remembers its credentials); the
    /// vendor API takes Bearer tokens only, which no browser sends by itself, so it does not.
    pub refuses_cross_site: bool,
}

impl utoipa::Modify for SharedAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (HttpMethod::Get, item.get.as_mut()),
                (HttpMethod::Post, item.post.as_mut()),
                (HttpMethod::Put, item.put.as_mut()),
                (HttpMethod::Patch, item.patch.as_mut()),
                (HttpMethod::Delete, item.delete.as_mut()),
            ];
            for (method, operation) in operations {
                if let Some(operation) = operation {
                    self.add_to(method, operation);
                }
            }
        }
    }
}

impl SharedAnswers {
    fn add_to(&self, method: HttpMethod, operation: &mut Operation) {
        let changes_state = !matches!(method, HttpMethod::Get);
        if changes_state && self.refuses_cross_site {
            add(
                operation,
                "403",
                "Refused: the request came from another site (its Origin or Sec-Fetch-Site \
                 header names another origin)",
            );
        }
        if changes_state {
            add(operation, "413", "The body is larger than 2 MB");
        }
        let has_parameters = operation
            .parameters
            .as_ref()
            .is_some_and(|parameters| !parameters.is_empty());
        if has_parameters {
            add(
                operation,
                "422",
                "A path or query value is not of its documented type or range; the message \
                 names it",
            );
        }
    }
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    let answers = &mut operation.responses.responses;
    if answers.contains_key(status) {
        return;
    }
    let answer = ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    answers.insert(status.to_owned(), answer.into());
}
