'use client';

import { type RefObject, useEffect, useState } from 'react';

/**
 * Whether the element is on screen or within `margin` of it. With a hundred channels on a page only the
 * visible cards need fresh pictures. False until first observed, so cards far below the fold never fetch.
 */
export function useOnScreen(ref: RefObject<Element | null>, margin = '200px'): boolean {
  const [onScreen, setOnScreen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => setOnScreen(entries.some((entry) => entry.isIntersecting)), { rootMargin: margin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, margin]);
  return onScreen;
}
