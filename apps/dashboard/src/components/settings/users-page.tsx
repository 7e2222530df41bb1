'use client';

import type { Role } from '@castline/contracts/permissions';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { MoreHorizontalIcon, SearchIcon, UserPlusIcon, UsersIcon } from 'lucide-react';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { api, describeError } from '@/lib/api';
import { useCan, useUser } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type Page, passwordProblem, queryString, ROLE_OPTIONS, settingsKeys, type UserView } from '@/lib/settings';
import { NoAccess, Pager, RoleBadge, SecretField, StatusBadge, TableSkeleton, When } from './common';
import { PasswordField } from './password-field';

const PAGE_SIZE = 25;
const COLUMNS = ['Name', 'Email', 'Role', 'Status', 'Last login', 'Created'];
const ALL = 'all';

const displayName = (user: Pick<UserView, 'name' | 'email'>) => user.name || user.email;

/** The role picker with a line saying what the chosen role may do. */
function RoleSelect({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  return (
    <>
      <Select value={value} onValueChange={(next) => onChange(next as Role)}>
        <SelectTrigger id={id} aria-describedby={`${id}-hint`}>
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          {ROLE_OPTIONS.map((option) => (
            <SelectItem key={option.value} value={option.value}>
              {option.label}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {ROLE_OPTIONS.find((option) => option.value === value)?.description}
      </p>
    </>
  );
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: settingsKeys.users() });
}

/** After a password was set: shown once so the admin can copy it. */
function PasswordSetStep({ password, user, onDone }: { password: string; user: string; onDone: () => void }) {
  return (
    <>
      <DialogHeader>
        <DialogTitle>Password set</DialogTitle>
        <DialogDescription>
          Share this password with {user} over a safe channel. It is shown only now and cannot be read again.
        </DialogDescription>
      </DialogHeader>
      <SecretField value={password} label="New password" what="Password" />
      <DialogFooter>
        <Button onClick={onDone}>Done</Button>
      </DialogFooter>
    </>
  );
}

function AddUserDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const invalidate = useInvalidateUsers();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<UserView | null>(null);

  const reset = () => {
    setName('');
    setEmail('');
    setRole('viewer');
    setPassword('');
    setTouched(false);
    setCreated(null);
  };

  const create = useMutation({
    mutationFn: () => api<UserView>('/users', { method: 'POST', body: { name: name.trim(), email: email.trim(), role, password } }),
    onSuccess: (user) => {
      toast.success(`User ${user.email} created`);
      setCreated(user);
      void invalidate();
    },
    onError: (error) => toast.error('Could not create the user', { description: describeError(error) }),
  });

  const problem = passwordProblem(password);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem || !email.trim()) return;
    create.mutate();
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) reset();
      }}
    >
      <DialogContent>
        {created ? (
          <PasswordSetStep
            password={password}
            user={created.email}
            onDone={() => {
              onOpenChange(false);
              reset();
            }}
          />
        ) : (
          <form onSubmit={submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Add user</DialogTitle>
              <DialogDescription>They sign in with this email and password; the role decides what they can do.</DialogDescription>
            </DialogHeader>
            <div className="grid gap-2">
              <Label htmlFor="user-name">Name</Label>
              <Input id="user-name" value={name} maxLength={120} autoComplete="off" onChange={(event) => setName(event.target.value)} />
            </div>
            <div className="grid gap-2">
              <Label htmlFor="user-email">Email</Label>
              <Input
                id="user-email"
                type="email"
                required
                value={email}
                maxLength={254}
                autoComplete="off"
                aria-invalid={touched && !email.trim() ? true : undefined}
                onChange={(event) => setEmail(event.target.value)}
              />
            </div>
            <div className="grid gap-2">
              <Label htmlFor="user-role">Role</Label>
              <RoleSelect id="user-role" value={role} onChange={setRole} />
            </div>
            <PasswordField id="user-password" label="Password" value={password} onChange={setPassword} error={touched ? problem : null} />
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? 'Adding…' : 'Add user'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function ChangeRoleDialog({ user, self, open, onOpenChange }: { user: UserView; self: boolean; open: boolean; onOpenChange: (open: boolean) => void }) {
  const invalidate = useInvalidateUsers();
  const [role, setRole] = useState<Role>(user.role);
  const change = useMutation({
    mutationFn: () => api<UserView>(`/users/${user.id}`, { method: 'PATCH', body: { role } }),
    onSuccess: (updated) => {
      toast.success(`${displayName(updated)} is now ${updated.role}`);
      onOpenChange(false);
      void invalidate();
    },
    onError: (error) => toast.error(`Could not change the role of ${displayName(user)}`, { description: describeError(error) }),
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) setRole(user.role);
      }}
    >
      <DialogContent>
        <form
          className="grid gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            change.mutate();
          }}
        >
          <DialogHeader>
            <DialogTitle>Change role</DialogTitle>
            <DialogDescription>
              {displayName(user)} is signed out everywhere and gets the new role at the next sign-in.
              {self && role !== 'admin' && ' This is you: you will lose access to these settings.'}
            </DialogDescription>
          </DialogHeader>
          <div className="grid gap-2">
            <Label htmlFor={`role-${user.id}`}>Role</Label>
            <RoleSelect id={`role-${user.id}`} value={role} onChange={setRole} />
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={change.isPending || role === user.role}>
              {change.isPending ? 'Saving…' : 'Change role'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, self, open, onOpenChange }: { user: UserView; self: boolean; open: boolean; onOpenChange: (open: boolean) => void }) {
  const invalidate = useInvalidateUsers();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [done, setDone] = useState(false);
  const reset = () => {
    setPassword('');
    setTouched(false);
    setDone(false);
  };
  const save = useMutation({
    mutationFn: () => api<UserView>(`/users/${user.id}`, { method: 'PATCH', body: { password } }),
    onSuccess: () => {
      toast.success(`Password of ${displayName(user)} reset`);
      setDone(true);
      void invalidate();
    },
    onError: (error) => toast.error(`Could not reset the password of ${displayName(user)}`, { description: describeError(error) }),
  });
  const problem = passwordProblem(password);
  const close = () => {
    onOpenChange(false);
    reset();
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) reset();
      }}
    >
      <DialogContent>
        {done ? (
          <PasswordSetStep password={password} user={user.email} onDone={close} />
        ) : (
          <form
            className="grid gap-4"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              setTouched(true);
              if (!problem) save.mutate();
            }}
          >
            <DialogHeader>
              <DialogTitle>Reset password</DialogTitle>
              <DialogDescription>
                Sets a new password for {user.email} and signs them out everywhere.
                {self && ' This is you: you will have to sign in again.'}
              </DialogDescription>
            </DialogHeader>
            <PasswordField id={`reset-${user.id}`} label="New password" value={password} onChange={setPassword} error={touched ? problem : null} />
            <DialogFooter>
              <Button type="button" variant="outline" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Set password'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

type RowDialog = 'role' | 'toggle' | 'reset' | 'delete' | null;

function UserActions({ user, self }: { user: UserView; self: boolean }) {
  const invalidate = useInvalidateUsers();
  const [dialog, setDialog] = useState<RowDialog>(null);
  const name = displayName(user);

  const toggle = useMutation({
    mutationFn: () => api<UserView>(`/users/${user.id}`, { method: 'PATCH', body: { disabled: !user.disabled } }),
    onSuccess: (updated) => {
      toast.success(updated.disabled ? `${name} is disabled and signed out` : `${name} can sign in again`);
      void invalidate();
    },
    onError: (error) => toast.error(`Could not ${user.disabled ? 'enable' : 'disable'} ${name}`, { description: describeError(error) }),
  });
  const remove = useMutation({
    mutationFn: () => api<void>(`/users/${user.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      toast.success(`${name} deleted`);
      void invalidate();
    },
    onError: (error) => toast.error(`Could not delete ${name}`, { description: describeError(error) }),
  });

  const onOpenChange = (open: boolean) => {
    if (!open) setDialog(null);
  };

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon-sm" aria-label={`Actions for ${user.email}`}>
            <MoreHorizontalIcon aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => setDialog('role')}>Change role</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setDialog('reset')}>Reset password</DropdownMenuItem>
          {!self && (
            <>
              <DropdownMenuItem onSelect={() => setDialog('toggle')}>{user.disabled ? 'Enable' : 'Disable'}</DropdownMenuItem>
              <DropdownMenuSeparator />
              <DropdownMenuItem variant="destructive" onSelect={() => setDialog('delete')}>
                Delete
              </DropdownMenuItem>
            </>
          )}
        </DropdownMenuContent>
      </DropdownMenu>
      <ChangeRoleDialog user={user} self={self} open={dialog === 'role'} onOpenChange={onOpenChange} />
      <ResetPasswordDialog user={user} self={self} open={dialog === 'reset'} onOpenChange={onOpenChange} />
      {!self && (
        <>
          <ConfirmDialog
            open={dialog === 'toggle'}
            onOpenChange={onOpenChange}
            title={user.disabled ? `Enable ${name}?` : `Disable ${name}?`}
            description={
              user.disabled
                ? `${user.email} will be able to sign in again with their password.`
                : `${user.email} is signed out everywhere and cannot sign in until enabled again. Their history stays.`
            }
            confirmLabel={user.disabled ? 'Enable' : 'Disable'}
            onConfirm={() => toggle.mutate()}
          />
          <ConfirmDialog
            open={dialog === 'delete'}
            onOpenChange={onOpenChange}
            title={`Delete ${name}?`}
            description={`${user.email} is removed for good. A user who created API keys cannot be deleted; disable them instead.`}
            confirmLabel="Delete"
            onConfirm={() => remove.mutate()}
          />
        </>
      )}
    </>
  );
}

export function UsersPage() {
  const canRead = useCan('users:read');
  if (!canRead) {
    return (
      <>
        <PageHeader title="Users" description="Who can sign in to Castline and what they may do." />
        <NoAccess what="users" />
      </>
    );
  }
  return <UsersList />;
}

function UsersList() {
  const me = useUser();
  const canWrite = useCan('users:write');
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<string>(ALL);
  const [adding, setAdding] = useState(false);
  const deferredSearch = useDeferredValue(search);
  const params = { page, pageSize: PAGE_SIZE, search: deferredSearch.trim() || undefined, role: role === ALL ? undefined : role };
  const query = useQuery({
    queryKey: settingsKeys.users(params),
    queryFn: ({ signal }) => api<Page<UserView>>(`/users${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(params.search || params.role);

  const addButton = canWrite && (
    <Button onClick={() => setAdding(true)}>
      <UserPlusIcon aria-hidden /> Add user
    </Button>
  );

  let body;
  if (query.isPending) body = <TableSkeleton columns={COLUMNS} label="Loading users" />;
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the users" />;
  else if (query.data.items.length === 0)
    body = filtered ? (
      <EmptyState icon={SearchIcon} title="No user matches" description="Try another name, email or role." />
    ) : (
      <EmptyState icon={UsersIcon} title="No users yet" description="Add a user so someone else can sign in." action={addButton || undefined} />
    );
  else
    body = (
      <div className="grid grid-cols-1 gap-3">
        <div className="rounded-xl border bg-card">
          <Table>
            <TableHeader>
              <TableRow>
                {COLUMNS.map((column) => (
                  <TableHead key={column}>{column}</TableHead>
                ))}
                {canWrite && (
                  <TableHead className="w-10">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                )}
              </TableRow>
            </TableHeader>
            <TableBody>
              {query.data.items.map((user) => {
                const self = user.id === me.id;
                return (
                  <TableRow key={user.id} data-user-email={user.email}>
                    <TableCell className="font-medium">
                      {user.name || <span className="text-muted-foreground">—</span>}
                      {self && (
                        <Badge variant="outline" className="ml-2">
                          You
                        </Badge>
                      )}
                    </TableCell>
                    <TableCell>{user.email}</TableCell>
                    <TableCell>
                      <RoleBadge role={user.role} />
                    </TableCell>
                    <TableCell>{user.disabled ? <StatusBadge tone="warning">Disabled</StatusBadge> : <StatusBadge tone="success">Active</StatusBadge>}</TableCell>
                    <TableCell className="text-muted-foreground">
                      <When iso={user.lastLoginAt}>{formatRelative(user.lastLoginAt)}</When>
                    </TableCell>
                    <TableCell className="text-muted-foreground">
                      <When iso={user.createdAt}>{formatDateTime(user.createdAt)}</When>
                    </TableCell>
                    {canWrite && (
                      <TableCell className="text-right">
                        <UserActions user={user} self={self} />
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
        {query.data.total > PAGE_SIZE && <Pager page={page} pageSize={PAGE_SIZE} total={query.data.total} onPage={setPage} />}
      </div>
    );

  return (
    <>
      <PageHeader title="Users" description="Who can sign in to Castline and what they may do." actions={addButton} />
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <div className="relative w-full sm:w-72">
          <SearchIcon className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" aria-hidden />
          <Input
            type="search"
            aria-label="Search users"
            maxLength={100}
            placeholder="Search name or email"
            className="pl-8"
            value={search}
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(1);
            }}
          />
        </div>
        <Select
          value={role}
          onValueChange={(next) => {
            setRole(next);
            setPage(1);
          }}
        >
          <SelectTrigger className="w-full sm:w-40" aria-label="Filter users">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>All roles</SelectItem>
            {ROLE_OPTIONS.map((option) => (
              <SelectItem key={option.value} value={option.value}>
                {option.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      {body}
      {canWrite && <AddUserDialog open={adding} onOpenChange={setAdding} />}
    </>
  );
}
