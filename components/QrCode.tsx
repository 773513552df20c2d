import qrcode from 'qrcode-generator';
import { useMemo } from 'preact/hooks';

/** A QR code of `text`, drawn as SVG squares (no markup from strings), for a phone camera to read. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const modules = useMemo(() => {
    // Type 0 picks the smallest version that holds the text; M recovers from 15 % damage.
    const code = qrcode(0, 'M');
    code.addData(text);
    code.make();
    const count = code.getModuleCount();
    const dark: { x: number; y: number }[] = [];
    for (let y = 0; y < count; y++) for (let x = 0; x < count; x++) if (code.isDark(y, x)) dark.push({ x, y });
    return { count, dark };
  }, [text]);
  const quiet = 4;
  const size = modules.count + quiet * 2;
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} data-testid="invite-qr" data-modules={modules.count} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      {modules.dark.map(({ x, y }) => (
        <rect key={`${x}.${y}`} x={x + quiet} y={y + quiet} width="1" height="1" fill="#000" />
      ))}
    </svg>
  );
}
