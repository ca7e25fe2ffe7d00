import { render } from 'preact';
import { localizeDocument } from '@/lib/i18n';
import { CallWindow } from '@/components/call/CallWindow';
import '@/components/theme.css';
import './style.css';

localizeDocument(document, 'extName');
render(<CallWindow />, document.getElementById('app')!);
