//! How the pages and the bundle travel: precompressed copies of the bundle chosen by
//! `Accept-Encoding`, revalidation instead of a fresh download, pages and JSON compressed.

use crate::helpers::{Backend, DEMO_VENUE, TestApp};
use reqwest::StatusCode;
use std::io::Read;

on_both_backends!(
    the_bundle_is_sent_precompressed_and_revalidated,
    pages_name_the_bundle_by_its_version_and_it_is_cached_for_good,
    pages_and_json_are_compressed_when_accepted,
);

async fn the_bundle_is_sent_precompressed_and_revalidated(backend: Backend) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let js = "export function hydrate() {}\n".repeat(100);
    std::fs::write(pkg.join("beerflow.js"), &js).unwrap();
    // Stand-ins: which copy is sent is the point, not what is in it.
    std::fs::write(pkg.join("beerflow.js.br"), b"the brotli copy").unwrap();
    std::fs::write(pkg.join("beerflow.js.gz"), b"the gzip copy").unwrap();
    std::fs::write(pkg.join("beerflow.css"), "body { margin: 0 }\n".repeat(50)).unwrap();
    let app = TestApp::spawn_with_site(backend, site.path()).await;
    let url = app.url("/pkg/beerflow.js");

    for (accept, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "the brotli copy"),
        ("gzip", Some("gzip"), "the gzip copy"),
        ("identity", None, js.as_str()),
    ] {
        let res = app.client.get(&url).header("Accept-Encoding", accept).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accept}");
        let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("content-encoding").as_deref(), encoding, "{accept}");
        assert!(header("content-type").is_some_and(|t| t.contains("javascript")), "{accept}");
        assert_eq!(header("cache-control").as_deref(), Some("no-cache"), "{accept}");
        assert_eq!(res.text().await.unwrap(), body, "{accept}");
    }

    // A browser that has the bundle asks whether it changed: a 304 without the body.
    let res = app.client.get(&url).header("Accept-Encoding", "br").send().await.unwrap();
    let modified = res.headers()["last-modified"].to_str().unwrap().to_owned();
    let res = app.client.get(&url).header("Accept-Encoding", "br").header("If-Modified-Since", &modified).send().await;
    let res = res.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.text().await.unwrap(), "");

    // A file without precompressed copies is compressed on the way.
    let res = app.client.get(app.url("/pkg/beerflow.css")).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    assert_eq!(gunzip(&res.bytes().await.unwrap()), "body { margin: 0 }\n".repeat(50));
    let res = app.client.get(app.url("/pkg/missing.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn pages_name_the_bundle_by_its_version_and_it_is_cached_for_good(backend: Backend) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("beerflow.js"), "export default function init() {}\n").unwrap();
    std::fs::write(pkg.join("beerflow.js.br"), b"the brotli copy").unwrap();
    std::fs::write(pkg.join("beerflow.wasm"), b"\0asm the module").unwrap();
    std::fs::write(pkg.join("beerflow.css"), "body { margin: 0 }\n").unwrap();
    let version = beerflow::bundle_version(&pkg).expect("a version for a built bundle");
    assert_eq!(version.len(), 16);
    let app = TestApp::spawn_with_site(backend, site.path()).await;

    // The login page names the versioned files: script, module, stylesheet.
    let html = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    for file in ["beerflow.js", "beerflow.wasm", "beerflow.css"] {
        assert!(html.contains(&format!("/pkg/{version}/{file}")), "{file} by version in {html}");
    }
    assert!(!html.contains("\"/pkg/beerflow."), "no unversioned name: {html}");
    // Those are cached for good, precompressed as before.
    let res =
        app.client.get(app.url(&format!("/pkg/{version}/beerflow.js"))).header("Accept-Encoding", "br").send().await;
    let res = res.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.text().await.unwrap(), "the brotli copy");
    // Another build has another version; an unknown one is not served as immutable.
    std::fs::write(pkg.join("beerflow.wasm"), b"\0asm another module").unwrap();
    let other = beerflow::bundle_version(&pkg).unwrap();
    assert_ne!(other, version);
    // A lazily loaded part of the bundle counts too (a build may change only a screen's part);
    // its compressed copies do not.
    std::fs::write(pkg.join("chunk_7.wasm"), b"\0asm a screen's part").unwrap();
    let with_part = beerflow::bundle_version(&pkg).unwrap();
    assert_ne!(with_part, other);
    std::fs::write(pkg.join("chunk_7.wasm.br"), b"its brotli copy").unwrap();
    assert_eq!(beerflow::bundle_version(&pkg).unwrap(), with_part);
    std::fs::write(pkg.join("chunk_7.wasm"), b"\0asm the screen's part changed").unwrap();
    assert_ne!(beerflow::bundle_version(&pkg).unwrap(), with_part);
    let res = app.client.get(app.url("/pkg/0123456789abcdef/beerflow.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Without a built bundle there is no version.
    assert_eq!(beerflow::bundle_version(&site.path().join("nothing")), None);
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes).read_to_string(&mut text).expect("gzip");
    text
}

async fn pages_and_json_are_compressed_when_accepted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.client.get(app.url("/login")).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    assert!(gunzip(&res.bytes().await.unwrap()).contains("type=\"password\""));

    let token = app.token("chef").await;
    let path = format!("/api/v1/venues/{DEMO_VENUE}/products");
    let res = app.client.get(app.url(&path)).bearer_auth(&token).header("Accept-Encoding", "gzip").send().await;
    let res = res.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let products: serde_json::Value = serde_json::from_str(&gunzip(&res.bytes().await.unwrap())).unwrap();
    assert!(products.as_array().is_some_and(|p| p.iter().any(|p| p["name"] == "Burger")), "{products}");

    // Without `Accept-Encoding`, nothing is compressed.
    let res = app.client.get(app.url(&path)).bearer_auth(&token).send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert!(res.text().await.unwrap().contains("Burger"));
}
