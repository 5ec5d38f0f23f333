// Imported first: if the front end fails to start or throws later, say so
// in the window instead of leaving it blank.
function show(message: string): void {
  const box = document.createElement("pre");
  box.className = "crash";
  box.textContent = `Waveplan hit an error in its window:\n${message}`;
  document.body.prepend(box);
}
window.addEventListener("error", (e) => show(`${e.message} (${e.filename}:${e.lineno}:${e.colno})`));
window.addEventListener("unhandledrejection", (e) => show(String(e.reason?.stack ?? e.reason)));
