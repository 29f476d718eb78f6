// A customer by name (openapi.yaml: `Customer`), with their email beside it where there is
// room: admins' order lists, inbox rows and order page. Never their id.
import type { Customer } from '../api/schema.ts';

export function CustomerName({ customer }: { customer: Customer }) {
  const { display_name: name, email } = customer;
  return (
    <span className="customer">
      {name}
      {/* Without a name claim, the display name is the email already. */}
      {email && email !== name && <span className="customer-email"> {email}</span>}
    </span>
  );
}
