/**
 * The pages of one repository beyond its overview, by the section name in the URL
 * (`#/repo/<name>/<section>/…`). Each entry is one page; `nav` puts it in the repository's tab bar
 * (under "More" unless `main`). A page names itself with `<PageTitle>` (shell/PageTitle.tsx).
 * Pages add themselves here, so the repository view needs no change when one is added.
 */
import type { Component } from 'solid-js';

/** What a page of a repository is given; the worker and the peer come from the context (context.tsx). */
export interface SectionProps {
  /** The repository's local name. */
  name: string;
  /** URI-decoded path segments after the section name. */
  args: string[];
  query: URLSearchParams;
}

export interface RepoSection {
  /** The URL segment; '' is the overview. */
  id: string;
  /** Tab label; sections without one are reached only by links. */
  nav?: string;
  /**
   * A main page: a tab of its own, at this place among the tabs (lower first); other pages with a
   * `nav` are in the tab bar's "More" menu, in the order they were added.
   */
  main?: number;
  component: Component<SectionProps>;
}

export const repoSections: RepoSection[] = [];

/** Notices shown above every page of a repository (e.g. a branch that forked). */
export const repoBanners: Component<Pick<SectionProps, 'name'>>[] = [];
