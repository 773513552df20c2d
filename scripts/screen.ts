/** Whether a browser window can be shown here: a desktop, or an X or Wayland display. */
export function hasScreen(): boolean {
  return process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
