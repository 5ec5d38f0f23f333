// Entry point: mounts the app and wires the shell's events to the store.
import "./crash";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { actions } from "./store";
import { onFilesDropped, onMenu } from "./ipc/events";
import { handleCommand } from "./commands";
import "./styles.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

void onMenu(handleCommand);
void onFilesDropped(() => void actions.stageDropped());
void actions.startup();
