import { byId } from './dom.js';

/** Shows the token dialog; resolves to the token, or null when cancelled. */
export function askForToken(reason: string): Promise<string | null> {
  const dialog = byId<HTMLDialogElement>('token-dialog');
  const form = byId<HTMLFormElement>('token-form');
  const input = byId<HTMLInputElement>('token-input');
  const cancel = byId<HTMLButtonElement>('token-cancel');
  byId('token-reason').textContent = reason;
  input.value = '';
  return new Promise((resolve) => {
    const finish = (token: string | null) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(token);
    };
    const onSubmit = (event: SubmitEvent) => {
      event.preventDefault();
      finish(input.value.trim() || null);
    };
    const onCancel = (event: Event) => {
      event.preventDefault();
      finish(null);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}
