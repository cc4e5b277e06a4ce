/** Light / dark: follows prefers-color-scheme until the toggle picks one, remembered in localStorage. */
const KEY = 'echo-perf.theme';

export function currentTheme(): 'light' | 'dark' {
  const forced = document.documentElement.dataset['theme'];
  if (forced === 'light' || forced === 'dark') return forced;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function initTheme(button: HTMLButtonElement, onChange: () => void): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // storage disabled: the toggle still works for this page
  }
  if (saved === 'light' || saved === 'dark') document.documentElement.dataset['theme'] = saved;
  const label = (): void => {
    button.textContent = currentTheme() === 'dark' ? 'light mode' : 'dark mode';
  };
  label();
  button.addEventListener('click', () => {
    const next = currentTheme() === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset['theme'] = next;
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // as above
    }
    label();
    onChange();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    label();
    onChange();
  });
}
