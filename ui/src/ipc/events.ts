// Events the shell broadcasts: menu choices and files dropped on the window.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export function onMenu(handler: (id: string) => void): Promise<UnlistenFn> {
  return listen<string>("menu", (event) => handler(event.payload));
}

export function onFilesDropped(handler: (paths: string[]) => void): Promise<UnlistenFn> {
  return listen<string[]>("files-dropped", (event) => handler(event.payload));
}
