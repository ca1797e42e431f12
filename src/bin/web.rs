//! The wasm entry point: mounts the app on the page body.

fn main() {
    yew::Renderer::<rulescope::app::App>::new().render();
}
