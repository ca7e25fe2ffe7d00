import { render } from 'preact';
import { localizeDocument } from '@/lib/i18n';
import { Popup } from '@/components/popup/Popup';
import '@/components/theme.css';
import './style.css';

localizeDocument(document, 'extName');
render(<Popup />, document.getElementById('app')!);
