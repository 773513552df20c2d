import type { ComponentChildren } from 'preact';

export interface IconButtonProps {
  /** What the button does, for screen readers and as its tooltip. */
  label: string;
  action: string;
  children: ComponentChildren;
  pressed?: boolean;
  /** For a button that opens a menu: whether it is open. */
  expanded?: boolean;
  disabled?: boolean;
  /** A small count drawn on the button, e.g. unread messages (the label says it too). */
  count?: number;
  tone?: 'danger' | 'off';
  onClick(): void;
}

/** A round icon button with an accessible name and a tooltip: the control bar's and the header's. */
export function IconButton({ label, action, children, pressed, expanded, disabled, count, tone, onClick }: IconButtonProps) {
  return (
    <button
      type="button"
      class={['icon-button', tone].filter(Boolean).join(' ')}
      data-action={action}
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      aria-expanded={expanded}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
      {count !== undefined && count > 0 && (
        <span class="count" aria-hidden="true" data-testid={`${action}-count`}>
          {count > 99 ? '99+' : count}
        </span>
      )}
    </button>
  );
}
