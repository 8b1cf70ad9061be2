//! The browser entry point: hydrates the server-rendered page into the live app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronously: a screen's code is a part of the bundle loaded when the screen is shown
    // (the lazy routes), so hydration waits for it.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // A marker for tests and tooling: the page is now interactive.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

/// Bytes of the WASM linear memory (where the app's Rust state lives): the memory test of the
/// kitchen display reads it to show that hours of tickets do not grow it.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}
