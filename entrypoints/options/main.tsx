import { render } from 'preact';
import { localizeDocument } from '@/lib/i18n';
import { OptionsPage } from '@/components/options/OptionsPage';
import '@/components/theme.css';
import './style.css';

localizeDocument(document, 'optionsTitle');
render(<OptionsPage />, document.getElementById('app')!);
