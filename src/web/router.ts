// A tiny history router: the console's screens are paths, so a link to /incidents/6TWM can be shared.
const listeners = new Set<() => void>();

export function currentPath(): string {
  return location.pathname;
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function onNavigate(listener: () => void): () => void {
  listeners.add(listener);
  const pop = () => listener();
  window.addEventListener('popstate', pop);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', pop);
  };
}
