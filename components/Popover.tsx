import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export interface PopoverProps {
  open: boolean;
  label: string;
  testId: string;
  onClose(): void;
  children: ComponentChildren;
  /** Which edge of its anchor it opens from. */
  placement?: 'above' | 'below';
}

/**
 * A small panel that opens from a button (device menus, the invite): closed by Escape or a
 * click elsewhere. Always in the DOM, so what it holds keeps its state while hidden.
 */
export function Popover({ open, label, testId, onClose, children, placement = 'above' }: PopoverProps) {
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close.current();
    const onPointer = (event: PointerEvent) => {
      const anchor = box.current?.parentElement;
      if (anchor && !anchor.contains(event.target as Node)) close.current();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);
  return (
    <div ref={box} class={`popover ${placement}`} role="dialog" aria-label={label} data-testid={testId} hidden={!open}>
      {children}
    </div>
  );
}
