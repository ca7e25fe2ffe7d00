import { render } from 'preact';
import { localizeDocument } from '@/lib/i18n';
import { PermissionPage } from '@/components/permission/PermissionPage';
import '@/components/theme.css';
import './style.css';

localizeDocument(document, 'permissionTitle');
render(<PermissionPage />, document.getElementById('app')!);
