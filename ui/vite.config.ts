// Vite builds the front end into ui/dist, which the Tauri shell embeds;
// vitest runs the component and store tests in jsdom.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  build: { outDir: "dist", target: "safari16", sourcemap: false, chunkSizeWarningLimit: 2000 },
  test: { environment: "jsdom", include: ["src/**/*.test.{ts,tsx}"], setupFiles: ["src/test-setup.ts"] },
});
