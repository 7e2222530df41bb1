'use client';

import { CreateUserBodySchema, ListUsersQuerySchema, type Role, RoleSchema, UpdateUserBodySchema } from '@castline/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { MoreHorizontalIcon, SearchIcon, UserPlusIcon, UsersIcon } from 'lucide-react';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { toast } from 'sonner';
import { z } from 'zod';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { EmptyState } from '@/components/empty-state';
import { FormActions, FormError, FormField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { ResourceTable } from '@/components/resource-table';
import { PermissionGate, RoleBadge, RoleSelect, SearchBox, SecretField, StatusBadge, When } from '@/components/settings/common';
import { PasswordField } from '@/components/settings/password-field';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { api, describeError } from '@/lib/api';
import { useCan, useUser } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';
import { type Page, queryString, ROLE_OPTIONS, settingsKeys, type UserView } from '@/lib/settings';
import { useTableSearch } from '@/lib/use-table-search';
import { useZodForm } from '@/lib/use-zod-form';

const ALL = 'all';

/** The list's state in the URL: ?page=&pageSize=&sort=&search=&role=, checked with the API's own query schema. */
const UsersSearchSchema = z.object({
  page: ListUsersQuerySchema.shape.page.catch(1),
  pageSize: ListUsersQuerySchema.shape.pageSize.unwrap().catch(25),
  sort: ListUsersQuerySchema.shape.sort.catch('createdAt'),
  search: ListUsersQuerySchema.shape.search.catch(undefined),
  role: RoleSchema.optional().catch(undefined),
});

const displayName = (user: Pick<UserView, 'name' | 'email'>) => user.name || user.email;

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
  const [created, setCreated] = useState<{ user: UserView; password: string } | null>(null);
  const create = useMutation({
    mutationFn: (body: z.output<typeof CreateUserBodySchema>) => api<UserView>('/users', { method: 'POST', body }),
    onSuccess: (user) => {
      toast.success(`User ${user.email} created`);
      void invalidate();
    },
  });
  const form = useZodForm(CreateUserBodySchema, create, {
    defaultValues: { name: '', email: '', role: 'viewer', password: '' },
    onSuccess: (user, body) => setCreated({ user, password: body.password }),
  });
  const { errors } = form.formState;
  const close = () => {
    onOpenChange(false);
    form.reset();
    setCreated(null);
  };

  return (
    <Dialog open={open} onOpenChange={(next) => (next ? onOpenChange(true) : close())}>
      <DialogContent>
        {created ? (
          <PasswordSetStep password={created.password} user={created.user.email} onDone={close} />
        ) : (
          <form onSubmit={form.submit} className="grid gap-4" noValidate>
            <DialogHeader>
              <DialogTitle>Add user</DialogTitle>
              <DialogDescription>They sign in with this email and password; the role decides what they can do.</DialogDescription>
            </DialogHeader>
            <FormError message={form.rootError} />
            <FormField id="user-name" label="Name" error={errors.name?.message}>
              {(control) => <Input {...control} maxLength={120} autoComplete="off" {...form.register('name')} />}
            </FormField>
            <FormField id="user-email" label="Email" error={errors.email?.message}>
              {(control) => <Input {...control} type="email" required maxLength={254} autoComplete="off" {...form.register('email')} />}
            </FormField>
            <div className="grid gap-2">
              <Label htmlFor="user-role">Role</Label>
              <Controller control={form.control} name="role" render={({ field }) => <RoleSelect id="user-role" value={field.value} onChange={field.onChange} />} />
            </div>
            <Controller
              control={form.control}
              name="password"
              render={({ field }) => <PasswordField id="user-password" label="Password" value={field.value} onChange={field.onChange} error={errors.password?.message} />}
            />
            <FormActions onCancel={close} submitting={form.formState.isSubmitting} label="Add user" busyLabel="Adding…" />
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function ChangeRoleDialog({ user, self, open, onOpenChange }: { user: UserView; self: boolean; open: boolean; onOpenChange: (open: boolean) => void }) {
  const invalidate = useInvalidateUsers();
  const change = useMutation({
    mutationFn: (body: z.output<typeof UpdateUserBodySchema>) => api<UserView>(`/users/${user.id}`, { method: 'PATCH', body }),
    onSuccess: (updated) => {
      toast.success(`${displayName(updated)} is now ${updated.role}`);
      void invalidate();
    },
  });
  const form = useZodForm(UpdateUserBodySchema, change, { defaultValues: { role: user.role }, onSuccess: () => onOpenChange(false) });
  const role = form.watch('role') ?? user.role;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) form.reset();
      }}
    >
      <DialogContent>
        <form className="grid gap-4" onSubmit={form.submit}>
          <DialogHeader>
            <DialogTitle>Change role</DialogTitle>
            <DialogDescription>
              {displayName(user)} is signed out everywhere and gets the new role at the next sign-in.
              {self && role !== 'admin' && ' This is you: you will lose access to these settings.'}
            </DialogDescription>
          </DialogHeader>
          <FormError message={form.rootError ?? form.formState.errors.role?.message} />
          <div className="grid gap-2">
            <Label htmlFor={`role-${user.id}`}>Role</Label>
            <Controller control={form.control} name="role" render={({ field }) => <RoleSelect id={`role-${user.id}`} value={field.value ?? user.role} onChange={field.onChange} />} />
          </div>
          <FormActions onCancel={() => onOpenChange(false)} submitting={form.formState.isSubmitting} label="Change role" busyLabel="Saving…" disabled={role === user.role} />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, self, open, onOpenChange }: { user: UserView; self: boolean; open: boolean; onOpenChange: (open: boolean) => void }) {
  const invalidate = useInvalidateUsers();
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: z.output<typeof UpdateUserBodySchema>) => api<UserView>(`/users/${user.id}`, { method: 'PATCH', body }),
    onSuccess: () => {
      toast.success(`Password of ${displayName(user)} reset`);
      void invalidate();
    },
  });
  const form = useZodForm(UpdateUserBodySchema, save, { defaultValues: { password: '' }, onSuccess: (_user, body) => setDone(body.password ?? '') });
  const close = () => {
    onOpenChange(false);
    form.reset();
    setDone(null);
  };
  return (
    <Dialog open={open} onOpenChange={(next) => (next ? onOpenChange(true) : close())}>
      <DialogContent>
        {done !== null ? (
          <PasswordSetStep password={done} user={user.email} onDone={close} />
        ) : (
          <form className="grid gap-4" noValidate onSubmit={form.submit}>
            <DialogHeader>
              <DialogTitle>Reset password</DialogTitle>
              <DialogDescription>
                Sets a new password for {user.email} and signs them out everywhere.
                {self && ' This is you: you will have to sign in again.'}
              </DialogDescription>
            </DialogHeader>
            <FormError message={form.rootError} />
            <Controller
              control={form.control}
              name="password"
              render={({ field }) => (
                <PasswordField id={`reset-${user.id}`} label="New password" value={field.value ?? ''} onChange={field.onChange} error={form.formState.errors.password?.message} />
              )}
            />
            <FormActions onCancel={close} submitting={form.formState.isSubmitting} label="Set password" busyLabel="Saving…" />
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
  return (
    <PermissionGate permission="users:read" title="Users" description="Who can sign in to Castline and what they may do." what="users">
      <UsersList />
    </PermissionGate>
  );
}

function UsersList() {
  const me = useUser();
  const canWrite = useCan('users:write');
  const [adding, setAdding] = useState(false);
  const search = useTableSearch(UsersSearchSchema);
  const params = search.values;
  const query = useQuery({
    queryKey: settingsKeys.users(params),
    queryFn: ({ signal }) => api<Page<UserView>>(`/users${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

  const addButton = canWrite && (
    <Button onClick={() => setAdding(true)}>
      <UserPlusIcon aria-hidden /> Add user
    </Button>
  );

  const columns: Array<ColumnDef<UserView, never>> = [
    {
      accessorKey: 'name',
      header: 'Name',
      meta: { className: 'font-medium' },
      cell: ({ row: { original: user } }) => (
        <>
          {user.name || <span className="text-muted-foreground">—</span>}
          {user.id === me.id && (
            <Badge variant="outline" className="ml-2">
              You
            </Badge>
          )}
        </>
      ),
    },
    { accessorKey: 'email', header: 'Email', cell: ({ row }) => row.original.email },
    { accessorKey: 'role', header: 'Role', cell: ({ row }) => <RoleBadge role={row.original.role} /> },
    {
      id: 'status',
      header: 'Status',
      enableSorting: false,
      cell: ({ row }) => (row.original.disabled ? <StatusBadge tone="warning">Disabled</StatusBadge> : <StatusBadge tone="success">Active</StatusBadge>),
    },
    {
      accessorKey: 'lastLoginAt',
      header: 'Last login',
      sortDescFirst: true,
      meta: { className: 'text-muted-foreground' },
      cell: ({ row }) => <When iso={row.original.lastLoginAt}>{formatRelative(row.original.lastLoginAt)}</When>,
    },
    {
      accessorKey: 'createdAt',
      header: 'Created',
      meta: { className: 'text-muted-foreground' },
      cell: ({ row }) => <When iso={row.original.createdAt}>{formatDateTime(row.original.createdAt)}</When>,
    },
  ];

  return (
    <>
      <PageHeader title="Users" description="Who can sign in to Castline and what they may do." actions={addButton} />
      <div className="mb-4 flex flex-wrap items-center gap-2">
        <SearchBox label="Search users" placeholder="Search name or email" value={params.search ?? ''} onSearch={(text) => search.set({ search: text || undefined })} />
        <Select value={params.role ?? ALL} onValueChange={(next) => search.set({ role: next === ALL ? undefined : (next as Role) })}>
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
      <ResourceTable
        label="users"
        columns={columns}
        query={query}
        search={search}
        getRowId={(user) => user.id}
        rowProps={(user) => ({ 'data-user-email': user.email })}
        rowActions={canWrite ? (user) => <UserActions user={user} self={user.id === me.id} /> : undefined}
        errorTitle="Could not load the users"
        empty={<EmptyState icon={UsersIcon} title="No users yet" description="Add a user so someone else can sign in." action={addButton || undefined} />}
        emptyFiltered={<EmptyState icon={SearchIcon} title="No user matches" description="Try another name, email or role." />}
      />
      {canWrite && <AddUserDialog open={adding} onOpenChange={setAdding} />}
    </>
  );
}
