"""BigCommerce's official Python client (PyPI `bigcommerce` 0.23.4) against bigcommerce-sim.

Reads a store as a third-party integration does: pages through every order, follows
every link in each order body (products, shipping addresses and their quotes, coupons,
consignments and their quotes and line items, fees), reads taxes, messages and
shipments, checks each ordered option against the catalog, reads the catalog with
include=images, ships one order and registers a webhook. Every count is compared with
what the test placed (JSON on stdin); the first mismatch exits 1.

Usage: official_client.py HOST STORE_HASH ACCESS_TOKEN < expected.json
HOST is the simulator's `127.0.0.1:PORT`.

Pointing the client at the simulator: `OAuthConnection` takes the API host as a
constructor argument (`host`, default `api.bigcommerce.com`; `BigcommerceApi` reads it
from `BC_API_ENDPOINT`), but `full_path` always builds `"https://" + host + path`, and
the simulator serves plain HTTP on loopback. `PlainHttpConnection` below changes that
one method and nothing else: headers (X-Auth-Token, Accept-Encoding: gzip), paging,
204 and error handling, rate-limit bookkeeping stay the client's own. It replaces
`api.connection`, the attribute every resource of `BigcommerceApi` calls through. The
v3 connection is built as the client's README shows (`api_path='/stores/{}/v3/{}'`),
since the client models v2 resources only.
"""

import importlib.metadata
import json
import sys

import bigcommerce
from bigcommerce.connection import OAuthConnection
from bigcommerce.exception import ClientRequestException

CLIENT_VERSION = "0.23.4"
CLIENT_ID = "wharf-python-check"
HOOK_DESTINATION = "http://127.0.0.1:9/wharf-python-check"


class Mismatch(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Mismatch(message)


class PlainHttpConnection(OAuthConnection):
    """The client's OAuth connection, speaking plain HTTP (see the module docs)."""

    def full_path(self, url):
        return "http://" + self.host + self.api_path.format(self.store_hash, url)


def as_list(answer):
    """A v2 list as a list. The client answers a 204 (an empty page) with a resource
    object made from nothing, which holds only its private `_connection`."""
    if isinstance(answer, list):
        return answer
    fields = [k for k in answer if not k.startswith("_")]
    check(not fields, "expected a list or an empty page, got %r" % (answer,))
    return []


def raw_pages(api, resource, limit):
    """Every item of a v2 list through the client's raw connection, page by page."""
    items, page = [], 1
    while True:
        batch = as_list(api.connection.get(resource, limit=limit, page=page))
        if not batch:
            return items
        items.extend(batch)
        page += 1


class Store:
    def __init__(self, host, store_hash, token, expected):
        self.api = bigcommerce.api.BigcommerceApi(
            client_id=CLIENT_ID, store_hash=store_hash, access_token=token
        )
        self.api.connection = PlainHttpConnection(CLIENT_ID, store_hash, token, host=host)
        self.v3 = PlainHttpConnection(
            CLIENT_ID, store_hash, token, host=host, api_path="/stores/{}/v3/{}"
        )
        self.v2_base = "http://%s/stores/%s/v2/" % (host, store_hash)
        self.expected = expected
        self.orders = {o["id"]: o for o in expected["orders"]}
        self.requests_followed = 0

    def follow(self, link, what):
        """GET the absolute URL of a `{url, resource}` link, as the body gives it."""
        url = link["url"]
        check(url.startswith(self.v2_base), "%s link %s points away from the store" % (what, url))
        check(url.endswith(link["resource"]), "%s link %s vs resource %s" % (what, url, link["resource"]))
        self.requests_followed += 1
        return self.api.connection.make_request("GET", url)

    def check_order_list(self):
        expected_ids = sorted(self.orders)
        check(self.api.Orders.count() == len(expected_ids), "orders/count")
        # The client's autopager: pages of 250 until the 204 past the last one.
        ids = [o.id for o in self.api.Orders.iterall()]
        check(ids == expected_ids, "iterall: %d orders, expected %d" % (len(ids), len(expected_ids)))
        # Paging by hand with a smaller page, as a sync job would.
        paged, page = [], 1
        while True:
            batch = as_list(self.api.Orders.all(limit=50, page=page))
            if not batch:
                break
            paged.extend(o.id for o in batch)
            page += 1
        check(paged == expected_ids, "limit=50 paging: %d orders" % len(paged))
        check(page - 1 == -(-len(expected_ids) // 50), "limit=50 took %d pages" % (page - 1))
        self.api.Orders.all(limit=250, page=1)
        # `_last_response` is the client's own record of the last answer ("for debugging").
        encoding = self.api.connection._last_response.headers.get("Content-Encoding")
        check(encoding == "gzip", "the client asks for gzip; answer encoded %r" % encoding)
        return [o for o in self.api.Orders.iterall()]

    def check_order_helpers(self, order, catalog_options):
        """The client's own helpers: order.products(), .shipping_addresses(), ..."""
        want = self.orders[order.id]
        lines = as_list(order.products())
        check(len(lines) == len(want["lines"]), "order %d: %d lines" % (order.id, len(lines)))
        check(sum(l.quantity for l in lines) == want["items_total"] == order.items_total,
              "order %d: items_total" % order.id)
        for line, wanted in zip(lines, want["lines"]):
            check(line.product_id == wanted["product_id"], "order %d line %d product" % (order.id, line.id))
            got = [(o["option_id"], o["product_option_id"], o["value"], o["display_value"])
                   for o in line.product_options]
            placed = [(o["option_id"], o["option_id"], str(o["value_id"]), o["label"])
                      for o in wanted["options"]]
            check(got == placed, "order %d line %d options %r, placed %r" % (order.id, line.id, got, placed))
            if wanted["variant_id"] is not None:
                check(line.variant_id == wanted["variant_id"], "order %d line %d variant" % (order.id, line.id))
                in_catalog = catalog_options[line.variant_id]
                check(got == [(o, o, str(v), label) for o, v, label in in_catalog],
                      "order %d line %d options disagree with the catalog's variant" % (order.id, line.id))
            for field in ("event_name", "option_set_id", "parent_order_product_id", "external_id"):
                check(field in line and line[field] is None, "order %d line %d: %s" % (order.id, line.id, field))
            one = order.products(line.id)
            check(one.id == line.id and one.order_id == order.id, "order %d: products(%d)" % (order.id, line.id))
        addresses = as_list(order.shipping_addresses())
        check(len(addresses) == want["addresses"], "order %d: %d addresses" % (order.id, len(addresses)))
        for address in addresses:
            check(order.shipping_addresses(address.id).id == address.id,
                  "order %d: shipping_addresses(%d)" % (order.id, address.id))
        codes = [c.code for c in as_list(order.coupons())]
        check(codes == want["coupons"], "order %d: coupons %r, placed %r" % (order.id, codes, want["coupons"]))
        check(order.coupon_discount == want["coupon_discount"], "order %d: coupon_discount" % order.id)
        check(as_list(order.taxes()) == [], "order %d: taxes" % order.id)
        check(as_list(order.messages()) == [], "order %d: messages" % order.id)
        check(as_list(order.shipments()) == [], "order %d: shipments before shipping" % order.id)
        return lines

    def check_order_links(self, body, lines):
        """Every `{url, resource}` link in the raw order body, and the links inside."""
        want = self.orders[body["id"]]
        line_ids = sorted(l.id for l in lines)
        linked = as_list(self.follow(body["products"], "products"))
        check(sorted(l["id"] for l in linked) == line_ids, "order %d: products link" % body["id"])
        addresses = as_list(self.follow(body["shipping_addresses"], "shipping_addresses"))
        check(len(addresses) == want["addresses"], "order %d: shipping_addresses link" % body["id"])
        for address in addresses:
            quote = self.follow(address["shipping_quotes"], "shipping_quotes")
            check(quote["id"] == str(address["id"]), "order %d: quote of address %d" % (body["id"], address["id"]))
        coupons = as_list(self.follow(body["coupons"], "coupons"))
        check([c["code"] for c in coupons] == want["coupons"], "order %d: coupons link" % body["id"])
        check(self.follow(body["fees"], "fees") == {"fees": []}, "order %d: fees link" % body["id"])
        consignments = self.follow(body["consignments"], "consignments")
        shipping = consignments["shipping"]
        check(sorted(c["id"] for c in shipping) == sorted(a["id"] for a in addresses),
              "order %d: one shipping consignment per address" % body["id"])
        in_consignments = []
        for consignment in shipping:
            quote = self.follow(consignment["shipping_quotes"], "consignment shipping_quotes")
            check(quote["id"] == str(consignment["id"]), "order %d: consignment quote" % body["id"])
            for item in consignment["line_items"]:
                in_consignments.append(self.follow(item, "consignment line item")["id"])
        others = consignments["downloads"] + consignments["email"]["gift_certificates"]
        for consignment in others:
            for item in consignment["line_items"]:
                in_consignments.append(self.follow(item, "line item")["id"])
        check(sorted(in_consignments) == line_ids, "order %d: consignments hold every line" % body["id"])

    def check_not_found(self, order):
        for what, call in (("order product", lambda: order.products(999999999)),
                           ("shipping address", lambda: order.shipping_addresses(999999999)),
                           ("order", lambda: self.api.Orders.get(999999999))):
            try:
                call()
            except ClientRequestException as e:
                check(e.status_code == 404, "unknown %s: %d" % (what, e.status_code))
                body = e.response.json()
                check(isinstance(body, list) and body[0]["status"] == 404, "unknown %s: body %r" % (what, body))
            else:
                raise Mismatch("unknown %s answered" % what)

    def read_catalog(self):
        """Every product with include=images,variants; variant id → its option values."""
        want = self.expected["products"]
        products, page = [], 1
        while True:
            body = self.v3.get("catalog/products", include="images,variants", limit=10, page=page)
            products.extend(body["data"])
            pagination = body["meta"]["pagination"]
            if pagination["current_page"] >= pagination["total_pages"]:
                break
            page += 1
        check(pagination["total"] == len(want), "catalog total %d" % pagination["total"])
        check([p["id"] for p in products] == [p["id"] for p in want], "catalog product ids")
        options = {}
        for product, wanted in zip(products, want):
            check([v["id"] for v in product["variants"]] == wanted["variant_ids"],
                  "product %d variants" % product["id"])
            images = product.get("images")
            check(isinstance(images, list) and len(images) == 1, "product %d images %r" % (product["id"], images))
            check(images[0]["product_id"] == product["id"] and images[0]["is_thumbnail"],
                  "product %d image" % product["id"])
            for variant in product["variants"]:
                options[variant["id"]] = [(o["option_id"], o["id"], o["label"]) for o in variant["option_values"]]
        one = self.v3.get("catalog/products", products[0]["id"], include="images")["data"]
        check(one["images"] == products[0]["images"], "single product images")
        check("variants" not in one, "single product: variants not asked for")
        return options

    def ship(self, order_id):
        """Ships every physical line of one order to its first address."""
        order = self.api.Orders.get(order_id)
        address = as_list(order.shipping_addresses())[0]
        lines = [l for l in as_list(order.products()) if l.order_address_id == address.id]
        shipment = self.api.OrderShipments.create(
            order_id,
            order_address_id=address.id,
            tracking_number="1Z999AA10123456784",
            shipping_provider="ups",
            items=[{"order_product_id": l.id, "quantity": l.quantity} for l in lines],
        )
        check(shipment.order_id == order_id and shipment.order_address_id == address.id, "shipment %r" % shipment)
        check(self.api.OrderShipments.count(order_id) == 1, "shipments/count")
        check([s.id for s in as_list(order.shipments())] == [shipment.id], "order.shipments()")
        shipped = sum(l.quantity for l in lines)
        after = self.api.Orders.get(order_id)
        check(after.items_shipped == shipped, "items_shipped %s, shipped %d" % (after.items_shipped, shipped))
        check(after.status_id in (2, 3), "status after shipping: %s" % after.status_id)
        return shipped

    def register_hook(self):
        created = self.v3.post("hooks", {"scope": "store/order/*", "destination": HOOK_DESTINATION,
                                         "is_active": True})["data"]
        check(created["scope"] == "store/order/*" and created["destination"] == HOOK_DESTINATION,
              "created hook %r" % created)
        listed = self.v3.get("hooks")["data"]
        check([h["id"] for h in listed] == [created["id"]], "hooks list %r" % listed)
        check(self.v3.get("hooks", created["id"])["data"] == created, "hooks/%d" % created["id"])


def main():
    host, store_hash, token = sys.argv[1:4]
    version = importlib.metadata.version("bigcommerce")
    check(version == CLIENT_VERSION, "bigcommerce %s installed, this script is for %s" % (version, CLIENT_VERSION))
    store = Store(host, store_hash, token, json.load(sys.stdin))

    catalog_options = store.read_catalog()
    orders = store.check_order_list()
    raw = {o["id"]: o for o in raw_pages(store.api, "orders", 250)}
    line_count = 0
    for order in orders:
        lines = store.check_order_helpers(order, catalog_options)
        store.check_order_links(raw[order.id], lines)
        line_count += len(lines)
    store.check_not_found(orders[0])
    shipped = store.ship(store.expected["ship_order_id"])
    store.register_hook()
    print("official client %s: %d orders, %d lines, %d links followed, %d products, %d units shipped, 1 hook"
          % (version, len(orders), line_count, store.requests_followed, len(store.expected["products"]), shipped))


if __name__ == "__main__":
    try:
        main()
    except Mismatch as e:
        print("MISMATCH: %s" % e, file=sys.stderr)
        sys.exit(1)
