//! Bytes of store answers: as sent on the wire (after gzip, when the client asked for it) and
//! as the handlers wrote them, counted per store in the stats, so a benchmark can say what a
//! client's reads cost in bandwidth.
//!
//! Each response body is wrapped in [`CountedBody`], which counts its data frames as they are
//! sent: [`count_sent`] wraps it outside the compression layer (the bytes as sent, without
//! HTTP framing and headers), the gateway inside it (the same answers uncompressed).

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

use crate::Simulator;
use crate::gateway::split_store_path;

/// Which count a body's bytes add to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Measure {
    /// As sent: compressed when the client asked for gzip.
    OnTheWire,
    /// As the handler wrote it.
    Uncompressed,
}

/// Middleware, outside the compression layer: counts the bytes of each store answer as sent.
pub(crate) async fn count_sent(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let store = split_store_path(req.uri().path()).map(|(hash, _)| hash.to_owned());
    let response = next.run(req).await;
    match store {
        Some(hash) => counted(&sim, hash, Measure::OnTheWire, response),
        None => response,
    }
}

/// The response, its body counted into `hash`'s stats as it is sent.
pub(crate) fn counted(
    sim: &Simulator,
    hash: String,
    measure: Measure,
    response: Response,
) -> Response {
    let sim = sim.clone();
    response.map(|inner| {
        Body::new(CountedBody {
            inner,
            sim,
            hash,
            measure,
        })
    })
}

/// A body that adds the length of each data frame to the simulator's stats.
struct CountedBody {
    inner: Body,
    sim: Simulator,
    hash: String,
    measure: Measure,
}

impl http_body::Body for CountedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.sim
                .stats()
                .count_body_bytes(&self.hash, self.measure, data.len() as u64);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
