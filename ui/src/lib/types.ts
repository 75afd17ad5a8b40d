// Every type that crosses the Tauri boundary: core's DTOs and the app's generated ones.
export * from './core-types'
export * from './bindings'
