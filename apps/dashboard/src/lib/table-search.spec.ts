import { ListUsersQuerySchema, RoleSchema, sortSchema, USER_SORT_FIELDS } from '@castline/contracts';
import { z } from 'zod';
import { changeSearch, isFiltered, parseSearch, searchDefaults, searchString } from './table-search';

// The shape a page gives its table: contract pieces, each with a fallback.
const schema = z.object({
  page: z.coerce.number().int().min(1).catch(1),
  pageSize: ListUsersQuerySchema.shape.pageSize.unwrap().catch(25),
  sort: sortSchema(USER_SORT_FIELDS, 'createdAt').catch('createdAt'),
  search: ListUsersQuerySchema.shape.search.catch(undefined),
  role: RoleSchema.optional().catch(undefined),
});
const defaults = searchDefaults(schema);
const parse = (query: string) => parseSearch(schema, new URLSearchParams(query));

describe('table search state', () => {
  it('reads page, sort and filters from the URL', () => {
    expect(parse('page=3&pageSize=10&sort=-email&search=ann&role=viewer')).toEqual({ page: 3, pageSize: 10, sort: '-email', search: 'ann', role: 'viewer' });
  });

  it('falls back to the default for each value the contract would refuse, keeping the others', () => {
    expect(parse('page=0&pageSize=1000&sort=passwordHash&role=root&search=ann')).toEqual({ ...defaults, search: 'ann' });
    expect(parse('page=abc&sort=-lastLoginAt')).toEqual({ ...defaults, sort: '-lastLoginAt' });
    expect(parse('')).toEqual({ page: 1, pageSize: 25, sort: 'createdAt', search: undefined, role: undefined });
  });

  it('writes only what differs from the defaults', () => {
    expect(searchString(defaults, defaults)).toBe('');
    expect(searchString({ ...defaults, page: 2, role: 'admin' }, defaults)).toBe('?page=2&role=admin');
    expect(searchString({ ...defaults, sort: '-email', search: 'a b' }, defaults)).toBe('?sort=-email&search=a+b');
  });

  it('goes back to the first page when a filter, the sort or the page size changes, not when the page does', () => {
    const onPage3 = { ...defaults, page: 3 };
    expect(changeSearch(onPage3, { role: 'viewer' }, defaults)).toMatchObject({ page: 1, role: 'viewer' });
    expect(changeSearch(onPage3, { sort: '-email' }, defaults)).toMatchObject({ page: 1, sort: '-email' });
    expect(changeSearch(onPage3, { pageSize: 50 }, defaults)).toMatchObject({ page: 1, pageSize: 50 });
    expect(changeSearch(onPage3, { page: 4 }, defaults)).toMatchObject({ page: 4 });
  });

  it('tells a filtered list from a merely paged or sorted one', () => {
    expect(isFiltered({ ...defaults, page: 2, sort: '-email', pageSize: 10 }, defaults)).toBe(false);
    expect(isFiltered({ ...defaults, role: 'viewer' }, defaults)).toBe(true);
  });

  it('round-trips through the URL', () => {
    const state = { page: 2, pageSize: 10, sort: '-name' as const, search: 'ops', role: 'operator' as const };
    expect(parse(searchString(state, defaults).slice(1))).toEqual(state);
  });
});
