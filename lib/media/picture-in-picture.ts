/**
 * A small always-on-top window with the active speaker, so the call stays in sight
 * while the person works in other tabs. Document Picture-in-Picture (Chrome 116+)
 * takes our own markup and buttons; elsewhere a video's own picture-in-picture does.
 */
type DocumentPip = { requestWindow(options: { width: number; height: number }): Promise<Window>; window: Window | null };

function documentPip(): DocumentPip | null {
  return (globalThis as { documentPictureInPicture?: DocumentPip }).documentPictureInPicture ?? null;
}

export function canPictureInPicture(): boolean {
  return documentPip() !== null || (typeof document !== 'undefined' && document.pictureInPictureEnabled === true);
}

/**
 * Opens the window and hands `mount` a container in it; `mount` returns its cleanup.
 * Without Document PiP, `fallbackVideo` is put in video picture-in-picture instead.
 * Resolves to a close function, or null when neither could open.
 */
export async function openPictureInPicture(
  mount: (container: HTMLElement) => () => void,
  fallbackVideo: () => HTMLVideoElement | null,
): Promise<(() => void) | null> {
  const pip = documentPip();
  if (pip) {
    const win = pip.window ?? (await pip.requestWindow({ width: 360, height: 240 }));
    // The same look as the call tab: our stylesheets are extension files, allowed in the window too.
    for (const node of document.querySelectorAll('link[rel="stylesheet"], style')) win.document.head.append(node.cloneNode(true));
    win.document.body.replaceChildren();
    const container = win.document.createElement('div');
    win.document.body.append(container);
    const unmount = mount(container);
    win.addEventListener('pagehide', unmount, { once: true });
    return () => win.close();
  }
  const video = fallbackVideo();
  if (!video || !document.pictureInPictureEnabled) return null;
  await video.requestPictureInPicture();
  return () => void document.exitPictureInPicture().catch(() => undefined);
}
